import Foundation
import VigilStores
import NIOSSL
import VigilScreening
import VigilStorage

/// `vigil doctor`: checks a deployment before (or while) it serves, and
/// names each problem: models present and matching their digests, the
/// database reachable and migrated, key files present and private, TLS
/// files valid and not about to expire, disk space, and a clock that has
/// not gone back behind the audit log.
public enum DeploymentDoctor {
    public struct Finding: Sendable, Encodable, Equatable {
        public let check: String
        public let ok: Bool
        public let detail: String
    }

    /// A certificate expiring within this is a problem now: renewal takes time.
    public static let certificateWarning: TimeInterval = 30 * 86_400
    /// Below this, the database and its write-ahead log can fill the disk during a busy day or a bulk import.
    public static let minimumFreeBytes: Int64 = 1 << 30

    public static func examine(_ configuration: ServiceConfiguration, tls: (certificatePath: String, keyPath: String)? = nil,
                               now: Date = Date()) -> [Finding] {
        var findings = ModelInventory.check(configuration).map { model in
            Finding(check: "model", ok: model.problem == nil, detail: "\(model.file): \(model.problem ?? "present, SHA-256 matches")")
        }
        let keyPath = configuration.resolvedKeyPath
        if configuration.databaseURL != nil {
            // The server's own state is its operators' (pg_isready, its logs); a node migrates it at start-up.
            findings.append(Finding(check: "database", ok: true,
                                    detail: "PostgreSQL at \(configuration.storeLocation): opened and migrated when a node starts"))
        } else {
            findings.append(database(configuration.databasePath))
        }
        findings += keys(besideDatabase: keyPath)
        if let tls { findings += certificate(tls, now: now) }
        findings.append(disk(keyPath))
        if configuration.databaseURL == nil { findings.append(clock(configuration.databasePath, now: now)) }
        return findings
    }

    static func database(_ path: String) -> Finding {
        guard FileManager.default.fileExists(atPath: path) else {
            return Finding(check: "database", ok: false, detail: "\(path) does not exist: start `vigil serve --db \(path)` once to create it")
        }
        do {
            let status = try SchemaStatus.read(path: path)
            if !status.unknown.isEmpty {
                return Finding(check: "database", ok: false, detail: "\(path) was written by a newer Vigil (migrations \(status.unknown.joined(separator: ", ")))")
            }
            if !status.pending.isEmpty {
                return Finding(check: "database", ok: false,
                               detail: "\(path) is not migrated: \(status.pending.count) pending (`vigil serve` applies them at start)")
            }
            return Finding(check: "database", ok: true, detail: "\(path): reachable, all \(status.applied.count) migrations applied")
        } catch {
            return Finding(check: "database", ok: false, detail: "\(path) cannot be opened: \(error)")
        }
    }

    static func keys(besideDatabase path: String) -> [Finding] {
        [".data-key", ".audit-key"].map { suffix in
            let file = path + suffix
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: file),
                  let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue else {
                return Finding(check: "key", ok: false, detail: "\(file) is missing: templates and the audit log cannot be opened without it")
            }
            guard mode & 0o077 == 0 else {
                return Finding(check: "key", ok: false,
                               detail: "\(file) is readable by others (mode \(String(mode & 0o777, radix: 8))): chmod 600 \(file)")
            }
            return Finding(check: "key", ok: true, detail: "\(file): present, owner-only (mode \(String(mode & 0o777, radix: 8)))")
        }
    }

    static func certificate(_ tls: (certificatePath: String, keyPath: String), now: Date) -> [Finding] {
        var findings: [Finding] = []
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(tls.certificatePath)
            guard let leaf = chain.first else { throw NIOSSLError.failedToLoadCertificate }
            let expiry = Date(timeIntervalSince1970: TimeInterval(leaf.notValidAfter))
            let days = Int(expiry.timeIntervalSince(now) / 86_400)
            if expiry <= now {
                findings.append(Finding(check: "tls", ok: false, detail: "\(tls.certificatePath) expired \(-days) days ago"))
            } else if expiry.timeIntervalSince(now) < certificateWarning {
                findings.append(Finding(check: "tls", ok: false, detail: "\(tls.certificatePath) expires in \(days) days: renew it"))
            } else {
                findings.append(Finding(check: "tls", ok: true, detail: "\(tls.certificatePath): valid for \(days) more days"))
            }
        } catch {
            findings.append(Finding(check: "tls", ok: false, detail: "\(tls.certificatePath) is not a PEM certificate: \(error)"))
        }
        do {
            _ = try NIOSSLPrivateKey(file: tls.keyPath, format: .pem)
            findings.append(Finding(check: "tls", ok: true, detail: "\(tls.keyPath): private key loads"))
        } catch {
            findings.append(Finding(check: "tls", ok: false, detail: "\(tls.keyPath) is not a PEM private key: \(error)"))
        }
        return findings
    }

    static func disk(_ databasePath: String) -> Finding {
        let folder = (databasePath as NSString).deletingLastPathComponent
        guard let free = (try? FileManager.default.attributesOfFileSystem(forPath: folder.isEmpty ? "." : folder))?[.systemFreeSize] as? NSNumber else {
            return Finding(check: "disk", ok: false, detail: "cannot read the free space of \(folder)")
        }
        let gib = String(format: "%.1f GiB", free.doubleValue / Double(1 << 30))
        return free.int64Value < minimumFreeBytes
            ? Finding(check: "disk", ok: false, detail: "only \(gib) free beside the database (at least 1 GiB needed)")
            : Finding(check: "disk", ok: true, detail: "\(gib) free beside the database")
    }

    /// The audit log's records are in time order; a clock behind the newest
    /// one would write records that seem to precede what they follow.
    static func clock(_ databasePath: String, now: Date) -> Finding {
        guard let newest = try? SchemaStatus.newestAuditRecord(path: databasePath) else {
            return Finding(check: "clock", ok: true, detail: "\(now.formatted(.iso8601)) (no audit record to compare with yet)")
        }
        guard now >= newest.addingTimeInterval(-60) else {
            return Finding(check: "clock", ok: false,
                           detail: "the clock (\(now.formatted(.iso8601))) is behind the newest audit record (\(newest.formatted(.iso8601))): fix the time before serving")
        }
        return Finding(check: "clock", ok: true, detail: "\(now.formatted(.iso8601)), after the newest audit record")
    }
}
