-- Media (issue 10, item 7): photos and PDFs, kept in the database with
-- their thumbnails. mime = domain::media::MediaKind (found from the bytes,
-- never the name or the Content-Type), source = MediaSource, size =
-- ThumbSize. The same file sent twice is two records (each with its own
-- uploader, time, name and source); sha256 is indexed to find copies.
CREATE TABLE media (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    mime TEXT NOT NULL CHECK (mime IN ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')),
    size_bytes INTEGER NOT NULL CHECK (size_bytes > 0),
    -- Pixels as shown (EXIF orientation applied); NULL for a PDF.
    width INTEGER CHECK (width > 0),
    height INTEGER CHECK (height > 0),
    -- The original file name, made safe (domain::media::sanitise_name).
    name TEXT,
    data BLOB NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('upload', 'whatsapp')),
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    -- An image has both sides, a PDF neither.
    CHECK ((width IS NULL) = (height IS NULL) AND (width IS NULL) = (mime = 'application/pdf'))
);
CREATE INDEX media_sha256 ON media(sha256);
CREATE INDEX media_created_by ON media(created_by, created_at);

-- Each image's thumbnails (JPEG), by their longest side: small 160,
-- medium 480, large 1080 pixels, never larger than the image.
CREATE TABLE media_thumbs (
    media_id INTEGER NOT NULL REFERENCES media(id),
    size TEXT NOT NULL CHECK (size IN ('small', 'medium', 'large')),
    width INTEGER NOT NULL CHECK (width > 0),
    height INTEGER NOT NULL CHECK (height > 0),
    data BLOB NOT NULL,
    PRIMARY KEY (media_id, size)
);
