"""Every setting the app reads: its key, its default and one line of help.

Read order: these defaults, then instance/config.py, then MAPAPP_<KEY> environment variables
(values parsed as JSON where they can be: MAPAPP_MAX_EVIDENCE_BYTES=1048576), then a test config.
Code reads settings only through app.config, never with defaults of its own.
"""
from dataclasses import dataclass
from typing import Any

MB = 1024 * 1024


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    help: str


SETTINGS = (
    # Identity and security
    Setting("SECRET_KEY", None, "Signs sessions, CSRF tokens and CSP marks; required outside debug/testing."),
    Setting("PREFERRED_URL_SCHEME", "http", "Set to https behind TLS: cookies become Secure."),
    Setting("SESSION_COOKIE_SECURE", False, "Send the session cookie over HTTPS only (on by itself with https, or per request over TLS)."),
    Setting("PROXY_FIX_HOPS", 0, "Reverse proxies in front whose X-Forwarded-For/Proto/Host/Port are trusted; 0 trusts none."),
    Setting("HSTS_MAX_AGE", 63072000, "Strict-Transport-Security max-age (seconds) on answers over TLS; 0 sends none."),
    Setting("SESSION_COOKIE_HTTPONLY", True, "Keep the session cookie away from page scripts."),
    Setting("SESSION_COOKIE_SAMESITE", "Lax", "SameSite attribute of the session cookie."),
    Setting("LOGIN_RATE_LIMIT", "10 per minute", "Sign-in attempts allowed per client address."),
    Setting("RATELIMIT_STORAGE_URI", "memory://", "Where rate limits are counted; redis://host:6379 for several servers."),
    # Data
    Setting("DATABASE_URL", None, "SQLAlchemy URL; default: SQLite in the instance folder."),
    Setting("GEODATA_DIR", None, "Folder with the curated data files; default: the app's geodata/."),
    Setting("AUTO_SEED", True, "Seed an empty database from GEODATA_DIR on start."),
    Setting("AUTO_MIGRATE", True, "Bring the database schema to the newest revision on start (Alembic)."),
    Setting("NATIONAL_AUTOLOAD", True, "gunicorn's first start loads the national RegSO background layer."),
    Setting("NATIONAL_PRELOAD", True, "gunicorn's master builds the background layer's in-memory form once."),
    Setting("TODAY", None, "A fixed date (YYYY-MM-DD) the app reasons with, for tests and demos; None = today."),
    # Maps and outside services
    Setting("TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "Tile URL template for streets under the map (Folium's default, OpenStreetMap); empty draws none."),
    Setting("TILE_ATTRIBUTION", '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
            "Attribution the tile provider requires (HTML, from the operator; shown on the map)."),
    Setting("PUBLIC_URL", None, "The public address phones can reach, used in presenter QR codes."),
    Setting("GEOCODER_URL", None, "Optional geocoder search URL with {q}; off by default."),
    # E-mail alerts (off while MAIL_SMTP_HOST is None: no subscribe form; `flask send-alerts` sends the outbox)
    Setting("MAIL_SMTP_HOST", None, "SMTP server that sends alert mails; None turns e-mail alerts off."),
    Setting("MAIL_SMTP_PORT", 587, "SMTP port (587 for starttls, 465 for ssl, 25 for none)."),
    Setting("MAIL_SMTP_TLS", "starttls", "TLS towards the SMTP server: none, starttls or ssl."),
    Setting("MAIL_SMTP_USER", None, "SMTP user name; None sends without logging in."),
    Setting("MAIL_SMTP_PASSWORD", None, "SMTP password (with MAIL_SMTP_USER)."),
    Setting("MAIL_SMTP_TIMEOUT", 30, "Seconds to wait for the SMTP server before the run gives up."),
    Setting("MAIL_FROM", None, "From address of alert mails, e.g. Löfteskartan <bevakning@example.se>."),
    Setting("ALERT_SUBSCRIBE_RATE_LIMIT", "10 per hour", "Alert subscriptions allowed per client address."),
    Setting("ALERT_MAIL_INTERVAL_MINUTES", 60, "At most one confirmation mail per address in this many minutes."),
    Setting("ALERT_CONFIRM_HOURS", 48, "Hours a confirmation link works; unconfirmed addresses are deleted after."),
    # Uploads and limits
    Setting("MAX_CONTENT_LENGTH", 1 * MB, "Largest request body anywhere; only upload routes take more (planners only)."),
    Setting("MAX_EVIDENCE_BYTES", 5 * MB, "Largest evidence upload (PDF, PNG, JPEG)."),
    Setting("EVIDENCE_DIR", None, "Where evidence files are kept; default: instance/evidence."),
    Setting("MAX_IMPORT_BYTES", 5 * MB, "Largest promise document a planner may import."),
    Setting("MAX_BOUNDARY_BYTES", 20 * MB, "Largest boundary file (GeoJSON, GeoPackage, zipped Shapefile)."),
    Setting("MAX_BOUNDARY_FEATURES", 500, "Most features in one boundary file."),
    Setting("MAX_BOUNDARY_VERTICES", 200_000, "Most vertices in one boundary file."),
    Setting("MAX_BOUNDARY_ZIP_MEMBERS", 50, "Most members in a zipped Shapefile."),
    Setting("MAX_BOUNDARY_UNPACKED_BYTES", 100 * MB, "Largest declared unpacked size of a zipped Shapefile."),
    Setting("BOUNDARY_UPLOAD_DIR", None, "Where boundary previews wait; default: instance/boundary-uploads."),
    # Medborgardialog: phones answering in the room
    Setting("DIALOGUE_CELL_METRES", 250, "Side of the grid cells (EPSG:3006) that unsafe-place answers are snapped to."),
    Setting("DIALOGUE_MIN_CELL_COUNT", 3, "A grid cell is shown (live, exports, public pages) only with at least this many answers."),
    Setting("DIALOGUE_ANSWER_RATE_LIMIT", "30 per minute", "Answers one phone (its signed cookie) may send."),
    Setting("DIALOGUE_ROOM_RATE_LIMIT", "3000 per minute", "Answers from one client address: a whole room may share one."),
    Setting("DIALOGUE_MAX_PARTICIPANTS", 2000, "Most phones that may answer in one dialogue session."),
    Setting("DIALOGUE_QUESTION_MAX_CHARS", 280, "Longest free-text question to the panel."),
    Setting("DIALOGUE_POLL_MS", 1000, "How often the presenter's page asks for new results, in milliseconds."),
    Setting("RESTORE_HOLD_FILE", None, "Testing only (ignored otherwise): restore waits inside its transaction while this file exists."),
    # Reuse (every cache is keyed by the data version)
    Setting("WORLD_CACHE_BYTES", 128 * MB, "Published data sets (one per data version, day and year view) kept per worker, in bytes as estimated (a national one weighs about 45 MB with its details)."),
    Setting("WORLD_DETAIL_BYTES", 8 * MB, "Full promise details kept with each published data set, in bytes (part of WORLD_CACHE_BYTES)."),
    Setting("MAP_CACHE_BYTES", 48 * MB, "Rendered maps, map features and area indexes kept per worker, in bytes."),
    Setting("SHAPE_CACHE_BYTES", 32 * MB, "Area geometry (as stored, and simplified per zoom band) kept per worker, in bytes."),
    Setting("MAP_INLINE_AREAS", 300, "Up to this many areas a map page carries inline; beyond, loaded by bbox."),
    Setting("MAP_INLINE_BYTES", 300_000, "Up to this much stored geometry text (about 90 kB compressed: any one municipality's areas) a map page carries inline; beyond, loaded by bbox, simplified for the zoom."),
    Setting("PAGE_CACHE_BYTES", 32 * MB, "Whole anonymous pages kept per worker, in bytes."),
    Setting("COMPRESS_CACHE_BYTES", 32 * MB, "Compressed answers kept per worker, in bytes."),
    Setting("BACKGROUND_CACHE_BYTES", 32 * MB, "Background-layer answers kept per worker, in bytes."),
    Setting("BACKGROUND_MAX_AGE", 300, "Seconds a browser may reuse a background-layer answer."),
    # Languages
    Setting("BABEL_DEFAULT_LOCALE", "sv", "The language of the interface when the visitor chooses none."),
    Setting("BABEL_TRANSLATION_DIRECTORIES", "translations", "Message catalogs, relative to the package."),
)

DEFAULTS = {s.key: s.default for s in SETTINGS}
PUBLIC_DEFAULT_KEYS = {"", "dev-only-change-me", "change-me", "secret"}
