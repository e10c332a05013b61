import Foundation
import Testing
@testable import VigilDaemon
import VigilScreening

@Suite("vigil serve --config: file, environment, flags")
struct ServeConfigurationFileTests {
    func file(_ text: String, _ ext: String = "yaml") throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-config-\(UUID().uuidString).\(ext)").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("the file's settings come first, the environment's next, the user's flags last (the last occurrence wins)")
    func precedence() throws {
        let path = try file("port: 8443\nhost: 0.0.0.0\ntls_cert: /etc/vigil/cert.pem\nallow_plain_http: false\npublic_metrics: true\n")
        let expanded = try ServeConfigurationFile.expand(["serve", "--config", path, "--port", "9000"],
                                                         environment: ["VIGIL_HOST": "10.0.0.5", "VIGIL_OTHER": "ignored"])
        #expect(expanded == ["serve", "--host", "0.0.0.0", "--port", "8443", "--public-metrics", "--tls-cert", "/etc/vigil/cert.pem",
                             "--host", "10.0.0.5", "--config", path, "--port", "9000"])
        // Other commands are left alone; VIGIL_CONFIG names the file when --config does not.
        #expect(try ServeConfigurationFile.expand(["doctor", "--db", "x"], environment: ["VIGIL_CONFIG": path]) == ["doctor", "--db", "x"])
        #expect(try ServeConfigurationFile.expand(["serve"], environment: ["VIGIL_CONFIG": path]).contains("8443"))
    }

    @Test("JSON is read too (YAML's superset)")
    func json() throws {
        let path = try file(#"{"db": "/var/lib/vigil/vigil.sqlite", "rate_limit": 20.5}"#, "json")
        #expect(try ServeConfigurationFile.expand(["serve", "--config", path], environment: [:])
                == ["serve", "--db", "/var/lib/vigil/vigil.sqlite", "--rate-limit", "20.5", "--config", path])
    }

    @Test("unknown keys, lists, bad flags and unreadable files are errors that name the problem")
    func refusals() throws {
        func refusal(_ text: String) throws -> VigilError? {
            let path = try file(text)
            do { _ = try ServeConfigurationFile.expand(["serve", "--config", path], environment: [:]); return nil } catch { return error }
        }
        #expect(try refusal("tls_crt: /x.pem\n")?.message.contains("unknown key 'tls_crt' (did you mean 'tls_cert'?)") == true)
        #expect(try refusal("port: [1, 2]\n")?.message.contains("port takes one value") == true)
        #expect(try refusal("public_metrics: maybe\n")?.message.contains("true or false") == true)
        #expect(try refusal("- port\n")?.message.contains("one mapping") == true)
        #expect(try refusal("port: 8443\n  bad: [\n")?.code == .invalidField)
        #expect(throws: VigilError.self) { try ServeConfigurationFile.expand(["serve", "--config", "/nonexistent.yaml"], environment: [:]) }
        #expect(throws: VigilError.self) { try ServeConfigurationFile.expand(["serve"], environment: ["VIGIL_PROT": "1", "VIGIL_TLS_CERT": "x", "VIGIL_PUBLIC_METRICS": "sometimes"]) }
    }
}
