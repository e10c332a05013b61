import VigilStorage

/// The PostgreSQL schema: the SQLite schema's tables at its latest version,
/// with two rows that serialise what must be totally ordered across nodes.
/// Migrations are append-only, applied under an advisory lock so nodes
/// starting together apply each once.
enum PostgresSchema {
    /// Taken for the length of a migration transaction (any 64-bit constant unique to Vigil).
    static let migrationLock: Int64 = 0x5649_4749_4C00_0001

    static let migrations: [(name: String, statements: [String])] = [
        ("v1: watchlist, audit log, tokens, screenings", [
            // The watchlist version: every change locks this row (SELECT ... FOR UPDATE) for its
            // transaction, so changes from every node commit one at a time, in version order, and a
            // rolled-back change returns its version (gap-free).
            "CREATE TABLE watchlist_head (id INT PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL)",
            "INSERT INTO watchlist_head VALUES (1, 0)",
            """
            CREATE TABLE watchlist_event (
              version BIGINT PRIMARY KEY, action TEXT NOT NULL, entry_id TEXT NOT NULL,
              recorded_at TIMESTAMPTZ NOT NULL, details TEXT)
            """,
            """
            CREATE TABLE category (
              ordinal BIGSERIAL UNIQUE, name TEXT PRIMARY KEY, description TEXT NOT NULL, protective BOOLEAN NOT NULL,
              match_threshold DOUBLE PRECISION NOT NULL, confirmations BIGINT NOT NULL, action TEXT NOT NULL,
              target_fpir DOUBLE PRECISION)
            """,
            """
            CREATE TABLE watchlist_entry (
              key BIGSERIAL PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, category TEXT NOT NULL,
              created_at TIMESTAMPTZ NOT NULL, created_version BIGINT NOT NULL REFERENCES watchlist_event (version),
              aliases TEXT NOT NULL DEFAULT '[]', date_of_birth TEXT, nationality TEXT, documents TEXT NOT NULL DEFAULT '[]',
              issuing_authority TEXT, legal_basis TEXT, handling_instructions TEXT, expires_at TIMESTAMPTZ,
              external_ref TEXT, updated_version BIGINT)
            """,
            // Idempotent imports: a live entry's external reference is unique.
            "CREATE UNIQUE INDEX watchlist_entry_external_ref ON watchlist_entry (external_ref) WHERE external_ref IS NOT NULL",
            "CREATE INDEX watchlist_entry_expires_at ON watchlist_entry (expires_at)",
            "CREATE INDEX watchlist_entry_category ON watchlist_entry (category)",
            // Templates and kept images are sealed (AES-GCM) by the node: the server holds only ciphertext.
            """
            CREATE TABLE face_template (
              id BIGSERIAL PRIMARY KEY, entry_key BIGINT NOT NULL REFERENCES watchlist_entry (key) ON DELETE CASCADE,
              vector BYTEA NOT NULL, quantized BYTEA, added_version BIGINT NOT NULL, digest TEXT NOT NULL,
              source_image BYTEA, key_id BIGINT, model TEXT NOT NULL, subject_box TEXT)
            """,
            "CREATE INDEX face_template_entry_key ON face_template (entry_key)",
            "CREATE INDEX face_template_added_version ON face_template (added_version)",
            """
            CREATE TABLE finger_template (
              id BIGSERIAL PRIMARY KEY, entry_key BIGINT NOT NULL REFERENCES watchlist_entry (key) ON DELETE CASCADE,
              position BIGINT NOT NULL, record BYTEA NOT NULL, cylinders BYTEA, added_version BIGINT NOT NULL,
              digest TEXT NOT NULL, source_image BYTEA, key_id BIGINT)
            """,
            "CREATE INDEX finger_template_entry_key ON finger_template (entry_key)",
            "CREATE INDEX finger_template_added_version ON finger_template (added_version)",
            // The audit chain's head: every append locks it, so the nodes write one chain.
            "CREATE TABLE audit_head (id INT PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL, hash TEXT NOT NULL)",
            "INSERT INTO audit_head VALUES (1, 0, '\(String(repeating: "0", count: 64))')",
            """
            CREATE TABLE audit_record (
              seq BIGINT PRIMARY KEY, recorded_at TEXT NOT NULL, actor_id TEXT NOT NULL, actor_role TEXT NOT NULL,
              post_id TEXT, action TEXT NOT NULL, subject TEXT, watchlist_version BIGINT NOT NULL, outcome TEXT,
              probe_digest TEXT, sealed_digest TEXT, probe_sealed BYTEA, context TEXT NOT NULL, result TEXT NOT NULL,
              prev_hash TEXT NOT NULL, hash TEXT NOT NULL, request_id TEXT)
            """,
            "CREATE INDEX audit_record_action ON audit_record (action, seq)",
            """
            CREATE TABLE audit_checkpoint (
              seq BIGINT PRIMARY KEY, head_hash TEXT NOT NULL, signed_at TEXT NOT NULL, public_key TEXT NOT NULL,
              signature TEXT NOT NULL)
            """,
            """
            CREATE TABLE api_token (
              id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, secret_hash TEXT NOT NULL,
              created_at TIMESTAMPTZ NOT NULL, revoked_at TIMESTAMPTZ)
            """,
            """
            CREATE TABLE screening (
              id TEXT PRIMARY KEY, recorded_at TIMESTAMPTZ NOT NULL, watchlist_version BIGINT NOT NULL,
              decision TEXT NOT NULL, face_count BIGINT NOT NULL, result TEXT NOT NULL, post_token TEXT)
            """,
            "CREATE INDEX screening_recorded_at ON screening (recorded_at)",
            """
            CREATE TABLE adjudication (
              id BIGSERIAL PRIMARY KEY, screening_id TEXT NOT NULL REFERENCES screening (id) ON DELETE CASCADE,
              entry_id TEXT NOT NULL, officer_id TEXT NOT NULL, outcome TEXT NOT NULL, post_token TEXT NOT NULL,
              recorded_at TIMESTAMPTZ NOT NULL)
            """,
            "CREATE INDEX adjudication_screening ON adjudication (screening_id)",
        ]),
        ("v2: posts' audit chains", PostArchiveSchema.statements),
        // Need to know: the posts a category's entries go to (JSON list; NULL: every post).
        ("v3: category clearance", ["ALTER TABLE category ADD COLUMN posts TEXT"]),
        // The keys each finger files in the fingerprint index (sealed), so start-up need not hash every cylinder.
        ("v4: stored finger index keys", ["ALTER TABLE finger_template ADD COLUMN index_keys BYTEA"]),
    ]
}
