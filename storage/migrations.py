"""Numbered schema migrations. Migration N brings ``PRAGMA user_version`` from N-1 to N.

Append only: a released migration is never edited. Times are ISO 8601 UTC text; periods are
``YYYY-MM``; dates ``YYYY-MM-DD``.
"""

from __future__ import annotations

from scoring.fields import fields_added_by
from storage.report_columns import history_triggers
from storage.sql import TwoDialects

__all__ = ["MIGRATIONS", "RESERVED", "SCHEMA_VERSION"]

_V1: tuple[str, ...] = (
    """
    CREATE TABLE areas (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        level TEXT NOT NULL CHECK (level IN ('provinsi', 'kabupaten', 'kecamatan', 'desa')),
        parent_id INTEGER REFERENCES areas (id),
        path TEXT NOT NULL
    )
    """,
    "CREATE INDEX areas_path ON areas (path)",
    "CREATE INDEX areas_parent ON areas (parent_id)",
    """
    CREATE TABLE posyandu (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        desa_id INTEGER NOT NULL REFERENCES areas (id),
        area_path TEXT NOT NULL,
        timezone TEXT NOT NULL,
        schedule TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1
    )
    """,
    "CREATE INDEX posyandu_area_path ON posyandu (area_path)",
    """
    CREATE TABLE hari_buka_moves (
        posyandu_id INTEGER NOT NULL REFERENCES posyandu (id) ON DELETE CASCADE,
        period TEXT NOT NULL,
        day TEXT NOT NULL,
        PRIMARY KEY (posyandu_id, period)
    )
    """,
    """
    CREATE TABLE people (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('kader', 'supervisor', 'admin')),
        posyandu_id INTEGER REFERENCES posyandu (id),
        area_id INTEGER REFERENCES areas (id),
        reminders INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL
    )
    """,
    "CREATE INDEX people_posyandu ON people (posyandu_id)",
    "CREATE INDEX people_area ON people (area_id)",
    """
    CREATE TABLE identities (
        id INTEGER PRIMARY KEY,
        person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
        channel TEXT NOT NULL,
        address TEXT NOT NULL,
        last_inbound_at TEXT,
        reachable INTEGER NOT NULL DEFAULT 1,
        UNIQUE (channel, address)
    )
    """,
    "CREATE INDEX identities_person ON identities (person_id)",
    """
    CREATE TABLE invitations (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('kader', 'supervisor', 'admin')),
        posyandu_id INTEGER REFERENCES posyandu (id),
        area_id INTEGER REFERENCES areas (id),
        uses_left INTEGER NOT NULL CHECK (uses_left >= 0),
        expires_at TEXT NOT NULL,
        created_by INTEGER REFERENCES people (id),
        created_at TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE code_failures (
        channel TEXT NOT NULL,
        address TEXT NOT NULL,
        at TEXT NOT NULL
    )
    """,
    "CREATE INDEX code_failures_address ON code_failures (channel, address, at)",
    "CREATE INDEX code_failures_at ON code_failures (at)",
    """
    CREATE TABLE reports (
        id INTEGER PRIMARY KEY,
        posyandu_id INTEGER NOT NULL REFERENCES posyandu (id),
        period TEXT NOT NULL,
        buka INTEGER NOT NULL,
        kader INTEGER, s INTEGER, k INTEGER, d INTEGER, n INTEGER, bgm INTEGER, t2 INTEGER,
        bumil INTEGER, bumil_periksa INTEGER, pus INTEGER, kb_aktif INTEGER, bayi INTEGER,
        bayi_imunisasi INTEGER, kk INTEGER, kk_dana_sehat INTEGER,
        program_tambahan TEXT,
        revision INTEGER NOT NULL,
        submitted_by INTEGER REFERENCES people (id),
        submitted_at TEXT NOT NULL,
        channel TEXT NOT NULL,
        UNIQUE (posyandu_id, period)
    )
    """,
    "CREATE INDEX reports_period ON reports (period)",
    """
    CREATE TABLE report_revisions (
        id INTEGER PRIMARY KEY,
        report_id INTEGER NOT NULL REFERENCES reports (id),
        revision INTEGER NOT NULL,
        changed_by INTEGER REFERENCES people (id),
        changed_at TEXT NOT NULL,
        channel TEXT NOT NULL,
        old TEXT,
        new TEXT NOT NULL,
        UNIQUE (report_id, revision)
    )
    """,
    """
    CREATE TABLE sessions (
        channel TEXT NOT NULL,
        address TEXT NOT NULL,
        flow TEXT NOT NULL,
        step TEXT NOT NULL,
        answers TEXT NOT NULL,
        started_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        PRIMARY KEY (channel, address)
    )
    """,
    """
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        channel TEXT NOT NULL,
        address TEXT NOT NULL,
        payload TEXT NOT NULL,
        dedupe_key TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL DEFAULT 'pending'
            CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        sent_at TEXT,
        external_id TEXT,
        delivery_status TEXT,
        error_code TEXT
    )
    """,
    "CREATE INDEX outbox_due ON outbox (status, next_attempt_at)",
    "CREATE INDEX outbox_external ON outbox (external_id)",
    """
    CREATE TABLE inbound (
        channel TEXT NOT NULL,
        external_id TEXT NOT NULL,
        received_at TEXT NOT NULL,
        PRIMARY KEY (channel, external_id)
    )
    """,
    "CREATE INDEX inbound_received ON inbound (received_at)",
    """
    CREATE TABLE reminder_log (
        posyandu_id INTEGER NOT NULL REFERENCES posyandu (id),
        kind TEXT NOT NULL,
        day TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (posyandu_id, kind, day)
    )
    """,
)

_V2: tuple[str, ...] = (
    # Reminder sweeps group the posyandu by (time zone, schedule) instead of reading them all.
    "CREATE INDEX posyandu_schedule ON posyandu (active, timezone, schedule)",
    # A chat group (Telegram) linked to an area: summaries go there too.
    """
    CREATE TABLE group_links (
        channel TEXT NOT NULL,
        address TEXT NOT NULL,
        area_id INTEGER NOT NULL REFERENCES areas (id),
        linked_by INTEGER REFERENCES people (id),
        linked_at TEXT NOT NULL,
        PRIMARY KEY (channel, address)
    )
    """,
    "CREATE INDEX group_links_area ON group_links (area_id)",
)

_V3: tuple[str, ...] = (
    # The scheduler reads the one-off moves of a few months for every posyandu.
    "CREATE INDEX hari_buka_moves_period ON hari_buka_moves (period)",
    # Expired conversation sessions are purged by expiry time.
    "CREATE INDEX sessions_expires ON sessions (expires_at)",
    # No update without history. The schema itself writes the revision rows: revision 1 when a
    # report is inserted, the next one (who, when, channel from the row; old and new values as
    # JSON) on every update; an update must move the row to exactly the next revision.
    """
    CREATE TRIGGER reports_revision_step BEFORE UPDATE ON reports
    WHEN NEW.revision IS NOT OLD.revision + 1
    BEGIN
        SELECT RAISE(ABORT, 'a report update must move it to its next revision');
    END
    """,
    # (The two triggers that write the revision rows, over the fields of this version.)
    *history_triggers(fields_added_by(3)),
    # History is append-only.
    """
    CREATE TRIGGER report_revisions_no_update BEFORE UPDATE ON report_revisions
    BEGIN
        SELECT RAISE(ABORT, 'report revisions are append-only');
    END
    """,
    """
    CREATE TRIGGER report_revisions_no_delete BEFORE DELETE ON report_revisions
    BEGIN
        SELECT RAISE(ABORT, 'report revisions are append-only');
    END
    """,
)

_V4: tuple[str, ...] = (
    # The optional services the seeds name (domain.md): how the month was served, vitamin A,
    # iron tablets, KEK mothers, infants 0-5 months and exclusive breastfeeding, PMT, and
    # people referred to the puskesmas. NULL: not asked (a deployment chooses which it asks).
    "ALTER TABLE reports ADD COLUMN cara TEXT",
    "ALTER TABLE reports ADD COLUMN vit_a INTEGER",
    "ALTER TABLE reports ADD COLUMN pmt INTEGER",
    "ALTER TABLE reports ADD COLUMN bumil_fe INTEGER",
    "ALTER TABLE reports ADD COLUMN bumil_kek INTEGER",
    "ALTER TABLE reports ADD COLUMN rujukan INTEGER",
    "ALTER TABLE reports ADD COLUMN bayi_0_6 INTEGER",
    "ALTER TABLE reports ADD COLUMN asi_eksklusif INTEGER",
    # The revision triggers again, over the fields of this version.
    "DROP TRIGGER reports_history_insert",
    "DROP TRIGGER reports_history_update",
    *history_triggers(fields_added_by(4)),
)


#: Versions whose place is kept for a change made elsewhere: the only empty migrations.
RESERVED: frozenset[int] = frozenset()

_V5: tuple[str, ...] = (
    # The month a posyandu was registered (YYYY-MM; NULL: not known). With its first report it
    # says where its known history starts (domain.md, "History and new posyandu").
    "ALTER TABLE posyandu ADD COLUMN registered TEXT",
    # Existing posyandu: the earliest month the database shows them in use (a report, an
    # invitation, a kader joining); NULL when there is none (then their first report decides).
    # (The subquery is named: PostgreSQL requires it; SQLite runs the same text.)
    """
    UPDATE posyandu SET registered = (
        SELECT min(month) FROM (
            SELECT min(period) AS month FROM reports WHERE posyandu_id = posyandu.id
            UNION ALL
            SELECT substr(min(created_at), 1, 7) FROM invitations
                WHERE posyandu_id = posyandu.id
            UNION ALL
            SELECT substr(min(created_at), 1, 7) FROM people WHERE posyandu_id = posyandu.id
        ) AS months
    )
    """,
)


_V6: tuple[str, ...] = (
    # How an area is called where its level has two kinds: a kabupaten-level area is a
    # kabupaten or a kota, a desa-level one a desa or a kelurahan (as the import file named
    # it). NULL: not known (imported as "kabupaten/kota" or before this column existed).
    """
    ALTER TABLE areas ADD COLUMN kind TEXT
    CHECK (kind IS NULL OR kind IN ('provinsi', 'kabupaten', 'kota', 'kecamatan', 'desa',
    'kelurahan'))
    """,
)

_V7: tuple[str, ...] = (
    # The dasbor (bot/dasbor): a one-time link from the chat is used once; its nonce is kept
    # until the link has expired anyway.
    """
    CREATE TABLE dasbor_links_used (
        nonce TEXT PRIMARY KEY,
        person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
        used_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    )
    """,
    # A browser session opened by such a link: only a hash of the cookie is kept; KELUAR
    # DASBOR in the chat (or the page's logout) revokes it.
    """
    CREATE TABLE dasbor_sessions (
        token_hash TEXT PRIMARY KEY,
        person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
        csrf TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        revoked_at TEXT
    )
    """,
    "CREATE INDEX dasbor_sessions_person ON dasbor_sessions (person_id)",
)

_OUTBOX_STATUSES = "'pending', 'sending', 'sent', 'failed', 'superseded'"

_V8: tuple[str, ...] = (
    # Replies to one chat go out in the order they were made, and a question a later step of
    # the same conversation has overtaken is dropped, not sent (storage.outbox): a new status
    # 'superseded', ``supersedable`` (1: a reply whose content the conversation's next step
    # restates) and ``superseded_by`` (the first reply of the step that overtook it). SQLite
    # cannot change a CHECK: the table is made again (no foreign key points at it), same
    # columns in the same order, the two new ones last, as PostgreSQL's ADD COLUMN leaves them.
    TwoDialects(
        f"""
        CREATE TABLE outbox_v8 (
            id INTEGER PRIMARY KEY,
            channel TEXT NOT NULL,
            address TEXT NOT NULL,
            payload TEXT NOT NULL,
            dedupe_key TEXT NOT NULL UNIQUE,
            status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ({_OUTBOX_STATUSES})),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            last_error TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            sent_at TEXT,
            external_id TEXT,
            delivery_status TEXT,
            error_code TEXT,
            supersedable INTEGER NOT NULL DEFAULT 0,
            superseded_by INTEGER
        )
        """,
        "ALTER TABLE outbox DROP CONSTRAINT outbox_status_check, "
        f"ADD CONSTRAINT outbox_status_check CHECK (status IN ({_OUTBOX_STATUSES}))",
    ),
    TwoDialects(
        "INSERT INTO outbox_v8 (id, channel, address, payload, dedupe_key, status, attempts, "
        "next_attempt_at, last_error, created_at, updated_at, sent_at, external_id, "
        "delivery_status, error_code) SELECT id, channel, address, payload, dedupe_key, "
        "status, attempts, next_attempt_at, last_error, created_at, updated_at, sent_at, "
        "external_id, delivery_status, error_code FROM outbox",
        "ALTER TABLE outbox ADD COLUMN supersedable BIGINT NOT NULL DEFAULT 0",
    ),
    TwoDialects("DROP TABLE outbox", "ALTER TABLE outbox ADD COLUMN superseded_by BIGINT"),
    TwoDialects("ALTER TABLE outbox_v8 RENAME TO outbox", "SELECT 1"),
    # (Dropped with SQLite's old table; PostgreSQL kept them.)
    "CREATE INDEX IF NOT EXISTS outbox_due ON outbox (status, next_attempt_at)",
    "CREATE INDEX IF NOT EXISTS outbox_external ON outbox (external_id)",
    # A chat's unsent rows in order: what a claim must not overtake, what a step supersedes.
    "CREATE INDEX outbox_chat_unsent ON outbox (channel, address, id) "
    "WHERE status IN ('pending', 'sending')",
    # The unsent rows in the claim's order (by due time): a claim reads its batch off the
    # front, checking each row's chat, instead of sorting every due row.
    "CREATE INDEX outbox_unsent_due ON outbox (next_attempt_at, id) "
    "WHERE status IN ('pending', 'sending')",
)

_V9: tuple[str, ...] = (
    # Keys the service makes once and every process of the deployment shares (the dasbor's
    # link key when DASBOR_SECRET is unset), by name; ``posyandu dasbor rotate-key`` replaces
    # the dasbor's.
    """
    CREATE TABLE service_keys (
        name TEXT PRIMARY KEY,
        secret TEXT NOT NULL,
        created_at TEXT NOT NULL
    )
    """,
    # Every one-time dasbor link as it is sent (its nonce; the token itself is never kept),
    # until it is used, voided (KELUAR DASBOR, a key rotation) or expired. Replaces
    # dasbor_links_used: a link is accepted only when its row is here, unused and not voided
    # (a link sent before this migration, 15 minutes at most, is no longer accepted).
    """
    CREATE TABLE dasbor_links (
        nonce TEXT PRIMARY KEY,
        person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
        issued_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT,
        voided_at TEXT
    )
    """,
    "CREATE INDEX dasbor_links_person ON dasbor_links (person_id)",
    "CREATE INDEX dasbor_links_expires ON dasbor_links (expires_at)",
    "DROP TABLE dasbor_links_used",
)

_V10: tuple[str, ...] = (
    # When the person chose this identity for their reminders (MULAI PENGINGAT sent from it;
    # NULL: never): a person on two channels (WhatsApp and SMS) gets reminders on the one
    # chosen last, else on the one they last wrote from (scheduler.recipients).
    "ALTER TABLE identities ADD COLUMN reminders_chosen_at TEXT",
    # What a channel has used of a daily allowance (the SMS a SIM may send a day), shared by
    # every instance and kept across restarts (storage.quotas).
    """
    CREATE TABLE quotas (
        name TEXT NOT NULL,
        day TEXT NOT NULL,
        used INTEGER NOT NULL CHECK (used >= 0),
        PRIMARY KEY (name, day)
    )
    """,
)

_REGISTER: tuple[str, ...] = (
    # The per-child register (issue 26; docs/privacy.md). Names, mothers' names, NIK, dusun
    # and RT are stored encrypted (storage.cipher: AES-GCM, the key from REGISTER_KEY, never in
    # the database): a stolen file or backup shows no name. Withdrawal of consent and the
    # retention rule remove the identity (the encrypted columns set to NULL,
    # ``identity_removed_at`` and its reason set) and keep the anonymous rest for the counts.
    # ``consent_person_id`` (a kader in the chat) or ``consent_operator`` (an import, the name
    # given with --consent-recorded-by) says who recorded the parent's consent, and when.
    """
    CREATE TABLE children (
        id INTEGER PRIMARY KEY,
        posyandu_id INTEGER NOT NULL REFERENCES posyandu (id),
        sex TEXT NOT NULL CHECK (sex IN ('L', 'P')),
        birth_date TEXT NOT NULL,
        name_enc TEXT,
        mother_name_enc TEXT,
        nik_enc TEXT,
        dusun_enc TEXT,
        rt_enc TEXT,
        has_kms INTEGER CHECK (has_kms IN (0, 1)),
        consent_person_id INTEGER,
        consent_operator TEXT,
        consent_at TEXT NOT NULL,
        left_at TEXT,
        left_reason TEXT
            CHECK (left_reason IN ('moved', 'aged_out', 'died', 'withdrawn', 'other')),
        identity_removed_at TEXT,
        identity_removed_reason TEXT
            CHECK (identity_removed_reason IN ('withdrawn', 'retention')),
        created_at TEXT NOT NULL,
        CHECK (consent_person_id IS NOT NULL OR consent_operator IS NOT NULL),
        CHECK ((left_at IS NULL) = (left_reason IS NULL)),
        CHECK ((identity_removed_at IS NULL) = (identity_removed_reason IS NULL)),
        CHECK ((name_enc IS NULL) = (identity_removed_at IS NOT NULL))
    )
    """,
    "CREATE INDEX children_posyandu ON children (posyandu_id)",
    # The hourly retention job looks up the identities kept, oldest birth first.
    "CREATE INDEX children_identity_kept ON children (birth_date) "
    "WHERE identity_removed_at IS NULL",
    # One weighing per child per month (``period`` YYYY-MM of ``date``); the raw weight in grams
    # and length/height in millimetres, as measured (``lying``/``standing``; NULL: not said).
    """
    CREATE TABLE weighings (
        id INTEGER PRIMARY KEY,
        child_id INTEGER NOT NULL REFERENCES children (id) ON DELETE CASCADE,
        date TEXT NOT NULL,
        period TEXT NOT NULL,
        weight_g INTEGER NOT NULL CHECK (weight_g > 0),
        height_mm INTEGER CHECK (height_mm > 0),
        measured TEXT CHECK (measured IN ('lying', 'standing')),
        kader_id INTEGER,
        created_at TEXT NOT NULL,
        UNIQUE (child_id, period)
    )
    """,
    # Every view and export of names, every change of the register: who (a person, or the
    # operator at the command line), when, what (ids, never a name). Append only; no foreign
    # key, so the log outlives what it names.
    """
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        person_id INTEGER,
        operator TEXT,
        action TEXT NOT NULL,
        posyandu_id INTEGER,
        child_ids TEXT NOT NULL DEFAULT '',
        CHECK (person_id IS NOT NULL OR operator IS NOT NULL)
    )
    """,
    "CREATE INDEX audit_log_at ON audit_log (at)",
)

_ASSESSMENTS: tuple[str, ...] = (
    # Each posyandu-month's stratum as the dasbor shows it (storage/assessments.py), kept so
    # that an area's first page does not read and assess a year of reports: under which
    # scoring settings (their digest), from which known-history start, at which report
    # revision id it was worked out, and what it found (the stratum, Posyandu Aktif,
    # provisional, the known months, the limiting indicators, the latest report of the
    # window and who sent it).
    """
    CREATE TABLE report_assessments (
        posyandu_id INTEGER NOT NULL REFERENCES posyandu (id),
        period TEXT NOT NULL,
        settings TEXT NOT NULL,
        since TEXT,
        revision INTEGER NOT NULL,
        stratum TEXT,
        aktif INTEGER NOT NULL,
        provisional INTEGER NOT NULL,
        months_known INTEGER NOT NULL,
        limiting TEXT NOT NULL,
        last_period TEXT,
        last_by INTEGER,
        PRIMARY KEY (posyandu_id, period)
    )
    """,
    # A report written (inserted or changed, by any path) makes the assessments of its month
    # and every later month of its posyandu stale: the schema drops them in the same
    # transaction (a stratum window reaches 12 months on; a new first report also moves the
    # known history's start of every later month). Reports are never deleted (their
    # append-only revisions refer to them).
    """
    CREATE TRIGGER reports_assessments_insert AFTER INSERT ON reports
    BEGIN
        DELETE FROM report_assessments
        WHERE posyandu_id = NEW.posyandu_id AND period >= NEW.period;
    END
    """,
    """
    CREATE TRIGGER reports_assessments_update AFTER UPDATE ON reports
    BEGIN
        DELETE FROM report_assessments
        WHERE posyandu_id = OLD.posyandu_id AND period >= OLD.period;
        DELETE FROM report_assessments
        WHERE posyandu_id = NEW.posyandu_id AND period >= NEW.period;
    END
    """,
)

_STATUS_CORRECTIONS: tuple[str, ...] = (
    # A kader corrected a weighing's status (domain.md: "the kader may correct a status
    # (recorded)"; the KMS curve may say N where KBM says T): the corrected status kept beside
    # the status the rules computed when it was corrected, who (a person of the chat) and
    # when; NULL, all four, while the computed status stands. Replacing the weighing drops
    # its correction (storage.children.record_weighing).
    "ALTER TABLE weighings ADD COLUMN corrected_status TEXT "
    "CHECK (corrected_status IN ('N', 'T', 'O', 'B'))",
    "ALTER TABLE weighings ADD COLUMN computed_status TEXT "
    "CHECK (computed_status IN ('N', 'T', 'O', 'B'))",
    "ALTER TABLE weighings ADD COLUMN corrected_by INTEGER",
    "ALTER TABLE weighings ADD COLUMN corrected_at TEXT",
)

_REPORT_TOB: tuple[str, ...] = (
    # T, O and B of the SKDN register (D = N + T + O + B): counted from the child register's
    # weighings where the posyandu uses it, typed or unknown (NULL) otherwise.
    "ALTER TABLE reports ADD COLUMN t INTEGER",
    "ALTER TABLE reports ADD COLUMN o INTEGER",
    "ALTER TABLE reports ADD COLUMN b INTEGER",
    # The revision triggers again, over the fields of this version.
    "DROP TRIGGER reports_history_insert",
    "DROP TRIGGER reports_history_update",
    *history_triggers(fields_added_by(14)),
)

_DHIS2: tuple[str, ...] = (
    # Each posyandu's DHIS2 organisation unit, by its code (docs/dhis2.md; NULL: the
    # posyandu's own code), set by the org_unit column of ``posyandu import posyandu``.
    "ALTER TABLE posyandu ADD COLUMN org_unit TEXT",
    # Every ``posyandu dhis2 push`` (and the monthly job's): when, by whom, to which server,
    # what was asked (the months, the area, the mapping's digest) and sent (how many values,
    # their digest, how many were left out as already sent), and DHIS2's summary, added up
    # over the batches (status, the counts, the conflicts as JSON).
    """
    CREATE TABLE dhis2_pushes (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        operator TEXT NOT NULL,
        url TEXT NOT NULL,
        dry_run INTEGER NOT NULL,
        first_period TEXT,
        last_period TEXT,
        area_code TEXT,
        mapping_digest TEXT NOT NULL,
        values_digest TEXT NOT NULL,
        sent INTEGER NOT NULL,
        unchanged INTEGER NOT NULL,
        batches INTEGER NOT NULL,
        status TEXT NOT NULL,
        imported INTEGER NOT NULL,
        updated INTEGER NOT NULL,
        ignored INTEGER NOT NULL,
        deleted INTEGER NOT NULL,
        conflicts INTEGER NOT NULL,
        summary TEXT NOT NULL
    )
    """,
    "CREATE INDEX dhis2_pushes_at ON dhis2_pushes (at)",
    # The value DHIS2 last accepted for each data value (a batch without conflicts): the next
    # push sends only what differs (a revision made after a push), never the same value again.
    """
    CREATE TABLE dhis2_values (
        data_element TEXT NOT NULL,
        period TEXT NOT NULL,
        org_unit TEXT NOT NULL,
        category_option_combo TEXT NOT NULL,
        attribute_option_combo TEXT NOT NULL,
        value TEXT NOT NULL,
        push_id INTEGER NOT NULL REFERENCES dhis2_pushes (id),
        PRIMARY KEY (data_element, period, org_unit, category_option_combo,
            attribute_option_combo)
    )
    """,
)

_KEPT_SCORES: tuple[str, ...] = (
    # Each weighing's WHO z-scores and N/T/O/B status, kept once worked out (storage/children.py
    # ``keep_scores``; issue 26 "Speed"): TIMBANG and SELESAI read them instead of working the
    # z-scores out again for every message. ``kept_rules`` is the digest of the growth rules
    # (the KBM table, the BGM and overweight limits) and of the z-score method they were
    # worked out under: under other rules they are worked out again; NULL: none kept. The
    # z-scores are decimals as text (2 places, exact).
    "ALTER TABLE weighings ADD COLUMN kept_rules TEXT",
    "ALTER TABLE weighings ADD COLUMN kept_status TEXT CHECK (kept_status IN ('N', 'T', 'O', 'B'))",
    "ALTER TABLE weighings ADD COLUMN kept_waz TEXT",
    "ALTER TABLE weighings ADD COLUMN kept_haz TEXT",
    "ALTER TABLE weighings ADD COLUMN kept_whz TEXT",
    "ALTER TABLE weighings ADD COLUMN kept_baz TEXT",
    # A weighing's status depends on the one before it (N/T/O), so a weighing written (added,
    # changed or removed, by any path) drops the kept scores of the child's later weighings,
    # and a changed one its own: in the same transaction, so a kept row never outlives what it
    # was worked out from. Writing the kept columns themselves fires nothing (UPDATE OF).
    """
    CREATE TRIGGER weighings_kept_insert AFTER INSERT ON weighings
    BEGIN
        UPDATE weighings SET kept_rules = NULL, kept_status = NULL, kept_waz = NULL,
            kept_haz = NULL, kept_whz = NULL, kept_baz = NULL
        WHERE child_id = NEW.child_id AND period > NEW.period AND kept_rules IS NOT NULL;
    END
    """,
    """
    CREATE TRIGGER weighings_kept_update
    AFTER UPDATE OF child_id, date, period, weight_g, height_mm, measured ON weighings
    BEGIN
        UPDATE weighings SET kept_rules = NULL, kept_status = NULL, kept_waz = NULL,
            kept_haz = NULL, kept_whz = NULL, kept_baz = NULL
        WHERE child_id = OLD.child_id AND period >= OLD.period AND kept_rules IS NOT NULL;
        UPDATE weighings SET kept_rules = NULL, kept_status = NULL, kept_waz = NULL,
            kept_haz = NULL, kept_whz = NULL, kept_baz = NULL
        WHERE child_id = NEW.child_id AND period >= NEW.period AND kept_rules IS NOT NULL;
    END
    """,
    """
    CREATE TRIGGER weighings_kept_delete AFTER DELETE ON weighings
    BEGIN
        UPDATE weighings SET kept_rules = NULL, kept_status = NULL, kept_waz = NULL,
            kept_haz = NULL, kept_whz = NULL, kept_baz = NULL
        WHERE child_id = OLD.child_id AND period > OLD.period AND kept_rules IS NOT NULL;
    END
    """,
    # The z-scores depend on the child's sex and birth date too.
    """
    CREATE TRIGGER children_kept_update AFTER UPDATE OF sex, birth_date ON children
    WHEN OLD.sex IS NOT NEW.sex OR OLD.birth_date IS NOT NEW.birth_date
    BEGIN
        UPDATE weighings SET kept_rules = NULL, kept_status = NULL, kept_waz = NULL,
            kept_haz = NULL, kept_whz = NULL, kept_baz = NULL
        WHERE child_id = NEW.id AND kept_rules IS NOT NULL;
    END
    """,
)

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    _V1,
    _V2,
    _V3,
    _V4,
    _V5,
    _V6,
    _V7,
    _V8,
    _V9,
    _V10,
    _REGISTER,
    _ASSESSMENTS,
    _STATUS_CORRECTIONS,
    _REPORT_TOB,
    _DHIS2,
    _KEPT_SCORES,
)
SCHEMA_VERSION = len(MIGRATIONS)
