import Foundation

/// A database path in a fresh temporary folder, for tests that need their own store.
public func temporaryDatabasePath(_ prefix: String = "vigil-test") -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)/vigil.sqlite").path
}
