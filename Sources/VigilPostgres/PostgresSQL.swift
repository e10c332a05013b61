import Foundation
import Logging
import PostgresNIO
import VigilStorage

/// A value bound to a `?` in Vigil's SQL text (numbered `$n` when sent):
/// the store writes its statements like the SQLite store's, and every value
/// travels as a parameter of the extended protocol, never in the text.
protocol SQLValue: Sendable {
    func bind(into bindings: inout PostgresBindings)
}

extension String: SQLValue { func bind(into b: inout PostgresBindings) { b.append(self) } }
extension Int64: SQLValue { func bind(into b: inout PostgresBindings) { b.append(self) } }
extension Int: SQLValue { func bind(into b: inout PostgresBindings) { b.append(Int64(self)) } }
extension Double: SQLValue { func bind(into b: inout PostgresBindings) { b.append(self) } }
extension Bool: SQLValue { func bind(into b: inout PostgresBindings) { b.append(self) } }
extension Data: SQLValue { func bind(into b: inout PostgresBindings) { b.append(ByteBuffer(bytes: self)) } }
extension Date: SQLValue { func bind(into b: inout PostgresBindings) { b.append(self) } }
extension Array: SQLValue where Element == Int64 { func bind(into b: inout PostgresBindings) { b.append(self) } }

/// A NULL of any column type (the server infers it from the statement).
struct SQLNull: SQLValue { func bind(into b: inout PostgresBindings) { b.appendNull() } }

extension Optional: SQLValue where Wrapped: SQLValue {
    func bind(into b: inout PostgresBindings) {
        switch self {
        case .some(let value): value.bind(into: &b)
        case .none: b.appendNull()
        }
    }
}

/// Text arrays (`= ANY(?)`).
struct TextArray: SQLValue {
    let values: [String]
    func bind(into b: inout PostgresBindings) { b.append(values) }
}

enum SQL {
    /// `?` placeholders numbered `$1, $2, ...` (Vigil's statements hold no
    /// `?` inside literals).
    static func query(_ sql: String, _ arguments: [any SQLValue]) -> PostgresQuery {
        var text = "", number = 0
        text.reserveCapacity(sql.count + 16)
        for character in sql {
            if character == "?" {
                number += 1
                text += "$\(number)"
            } else {
                text.append(character)
            }
        }
        precondition(number == arguments.count, "SQL has \(number) placeholders for \(arguments.count) arguments")
        var bindings = PostgresBindings(capacity: arguments.count)
        for argument in arguments { argument.bind(into: &bindings) }
        return PostgresQuery(unsafeSQL: text, binds: bindings)
    }
}

/// One connection, inside or outside a transaction, with Vigil's helpers.
struct SQLConnection {
    let connection: PostgresConnection
    let logger: Logger

    /// Every row the statement returns.
    @discardableResult
    func rows(_ sql: String, _ arguments: [any SQLValue] = []) async throws -> [PostgresRandomAccessRow] {
        var rows: [PostgresRandomAccessRow] = []
        for try await row in try await connection.query(SQL.query(sql, arguments), logger: logger) {
            rows.append(row.makeRandomAccess())
        }
        return rows
    }

    func execute(_ sql: String, _ arguments: [any SQLValue] = []) async throws {
        try await rows(sql, arguments)
    }

    func one(_ sql: String, _ arguments: [any SQLValue] = []) async throws -> PostgresRandomAccessRow? {
        try await rows(sql, arguments).first
    }

    /// The first column of the first row.
    func value<T: PostgresDecodable>(_ sql: String, _ arguments: [any SQLValue] = [], as type: T.Type = T.self) async throws -> T? {
        guard let row = try await one(sql, arguments) else { return nil }
        return try row[0].decode(T.self)
    }
}

extension PostgresRandomAccessRow {
    /// Column `index` as `T` (optional types decode NULL as nil).
    func get<T: PostgresDecodable>(_ index: Int, as type: T.Type = T.self) throws -> T {
        try self[index].decode(T.self)
    }
}

extension StorageError {
    /// A PostgreSQL failure as Vigil reports it: a server that cannot be
    /// reached (refused, closed, restarting) is `unavailable`, which the
    /// daemon answers 503 `storage_unavailable`; a refused statement is a
    /// database error.
    static func from(_ error: any Error) -> StorageError {
        if let error = error as? StorageError { return error }
        if let transaction = error as? PostgresTransactionError {
            guard let inner = transaction.closureError ?? transaction.beginError ?? transaction.commitError ?? transaction.rollbackError else {
                return .unavailable("the transaction failed")
            }
            return from(inner)
        }
        if let error = error as? PSQLError {
            if let state = error.serverInfo?[.sqlState] {
                // 57P01-57P03: the server is shutting down or starting; 08xxx: connection exceptions.
                if state.hasPrefix("57P") || state.hasPrefix("08") { return .unavailable("the database server is unavailable (\(state))") }
                return .database("\(state): \(error.serverInfo?[.message] ?? "")")
            }
            return .unavailable("the database server cannot be reached (\(error.code))")
        }
        if error is CancellationError { return .unavailable("the database did not answer in time") }
        return .unavailable("the database server cannot be reached (\(String(describing: type(of: error))))")
    }

    /// Whether a failure was a unique constraint (a concurrent duplicate).
    static func isUniqueViolation(_ error: any Error) -> Bool {
        if let transaction = error as? PostgresTransactionError, let inner = transaction.closureError { return isUniqueViolation(inner) }
        return (error as? PSQLError)?.serverInfo?[.sqlState] == "23505"
    }
}
