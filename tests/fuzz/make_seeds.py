#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora into tests/fuzz/corpus/<target>/.

Every seed is made here from bytes (no photos are copied in): tiny valid
JPEG, PNG, BMP, WebP and TIFF images of at least 32 x 32 pixels (the loader's
smallest side), header-only variants, the known reproducers, CSV rows,
database URLs (the known injections among them) and multipart forms. The corpus folders hold only this script's output: running it
again replaces them. Standard library only.
"""

import shutil
import struct
import zlib
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"


# --- JPEG ------------------------------------------------------------------
# Baseline JPEGs of one flat colour: every Huffman table has one code, "0", so
# each 8x8 block is two bits (DC difference 0, then end of block).

def segment(marker, body):
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


def exif_orientation(orientation):
    ifd = struct.pack(">HHHIHHI", 1, 0x0112, 3, 1, orientation, 0, 0)
    return segment(0xE1, b"Exif\0\0" + b"MM\0\x2a" + struct.pack(">I", 8) + ifd)


def jpeg(width, height, sampling, app=b""):
    """sampling: (h, v) of each component, e.g. [(1, 1)] gray or [(2, 2), (1, 1), (1, 1)] 4:2:0."""
    hmax = max(h for h, _ in sampling)
    vmax = max(v for _, v in sampling)
    mcus = -(-width // (8 * hmax)) * -(-height // (8 * vmax))
    blocks = mcus * sum(h * v for h, v in sampling)
    scan = bytes(-(-blocks * 2 // 8))  # two zero bits a block; the last byte's rest is padding
    frame = struct.pack(">BHHB", 8, height, width, len(sampling))
    frame += b"".join(bytes([i + 1, h << 4 | v, 0]) for i, (h, v) in enumerate(sampling))
    one_code = bytes([1] + [0] * 15 + [0])  # one code of length 1 for symbol 0
    sos = bytes([len(sampling)]) + b"".join(bytes([i + 1, 0x00]) for i in range(len(sampling))) + bytes([0, 63, 0])
    return (b"\xFF\xD8" + app + segment(0xDB, b"\0" + bytes([1] * 64)) + segment(0xC0, frame)
            + segment(0xC4, b"\x00" + one_code) + segment(0xC4, b"\x10" + one_code)
            + segment(0xDA, sos) + scan + b"\xFF\xD9")


def short_exif_jpeg(length, order=b"II"):
    """APP1 "Exif" whose segment length (2..7) is shorter than its own "Exif\\0\\0" tag,
    followed by a TIFF header whose first IFD runs past the file: readJpeg used to take
    data.subspan(body + 6, length - 8), a span that wraps round to nearly 2^64 bytes."""
    big = order == b"MM"
    tiff = order + struct.pack(">HIH" if big else "<HIH", 42, 8, 16)
    return b"\xFF\xD8\xFF\xE1" + struct.pack(">H", length) + b"Exif\0\0" + tiff + b"\xFF\xD9"


# --- PNG -------------------------------------------------------------------

def png_chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(width, height, depth, colour, row, extra=b""):
    raw = b"".join(b"\0" + row for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + extra
            + png_chunk(b"IDAT", zlib.compress(raw, 9)) + png_chunk(b"IEND", b""))


# --- BMP -------------------------------------------------------------------

def bmp(width, height, core_header=False):
    """1 bit per pixel, two colours, stripes; width and height as stored (may be negative)."""
    rows = b"".join((b"\x55\x55\x55\x55" if y % 2 else b"\xAA\xAA\xAA\xAA") for y in range(32))
    if core_header:
        dib = struct.pack("<IHHHH", 12, width, height, 1, 1)
        palette = b"\0\0\0" + b"\xFF\xFF\xFF"
    else:
        dib = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 1, 0, len(rows), 2835, 2835, 2, 0)
        palette = b"\0\0\0\0" + b"\xFF\xFF\xFF\0"
    offset = 14 + len(dib) + len(palette)
    return b"BM" + struct.pack("<IHHI", offset + len(rows), 0, 0, offset) + dib + palette + rows


# --- TIFF ------------------------------------------------------------------

def tiff(entries, strip):
    """Little-endian TIFF, one IFD at offset 8 with entries (tag, type, value) in the given
    order (duplicates kept), the strip after it; 273 (StripOffsets) is filled in here."""
    ifd_size = 2 + 12 * len(entries) + 4
    strip_at = 8 + ifd_size
    body = struct.pack("<H", len(entries))
    for tag, kind, value in entries:
        if tag == 273:
            value = strip_at
        packed = struct.pack("<HH", value, 0) if kind == 3 else struct.pack("<I", value)
        body += struct.pack("<HHI", tag, kind, 1) + packed
    return b"II\x2a\0" + struct.pack("<I", 8) + body + struct.pack("<I", 0) + strip


def gray_tiff(width, height, sizes, orientation=None, rows_per_strip=None):
    """8-bit gray, PackBits: each row one run of value 0x80. sizes: [(256 value, 257 value), ...]."""
    strip = (bytes([257 - width, 0x80])) * height  # run of `width` bytes (width <= 128)
    entries = []
    for w, h in sizes:
        entries += [(256, 4, w), (257, 4, h)]
    entries += [(258, 3, 8), (259, 3, 32773), (262, 3, 1), (273, 4, 0)]
    if orientation:
        entries.append((274, 3, orientation))
    entries += [(277, 3, 1), (278, 4, rows_per_strip or height), (279, 4, len(strip))]
    return tiff(entries, strip)


# --- WebP ------------------------------------------------------------------

class Bits:
    """VP8L bit writer: least significant bit first."""

    def __init__(self):
        self.value, self.count = 0, 0

    def put(self, value, n):
        self.value |= value << self.count
        self.count += n

    def bytes(self):
        return self.value.to_bytes(-(-self.count // 8), "little")


def riff_webp(kind, payload):
    chunk = kind + struct.pack("<I", len(payload)) + payload + (b"\0" if len(payload) % 2 else b"")
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


def webp_lossless(width, height, argb, alpha=False):
    """VP8L of one colour: every prefix code is a "simple code" of one symbol, so the
    pixels themselves take no bits."""
    b = Bits()
    b.put(width - 1, 14)
    b.put(height - 1, 14)
    b.put(int(alpha), 1)
    b.put(0, 3)   # version
    b.put(0, 1)   # no transform
    b.put(0, 1)   # no colour cache
    b.put(0, 1)   # no meta prefix codes
    a, r, g, bl = argb
    for symbol in (g, r, bl, a):
        b.put(1, 1)  # simple code
        b.put(0, 1)  # one symbol
        b.put(1, 1)  # 8-bit symbol
        b.put(symbol, 8)
    b.put(1, 1)
    b.put(0, 1)
    b.put(0, 1)      # distance code: 1-bit symbol 0
    b.put(0, 1)
    return riff_webp(b"VP8L", b"\x2f" + b.bytes() + bytes(4))


def webp_vp8x(width, height, flags):
    return riff_webp(b"VP8X", struct.pack("<B3x", flags) + (width - 1).to_bytes(3, "little")
                     + (height - 1).to_bytes(3, "little"))


def webp_lossy_header(width, height):
    """The VP8 frame header only: key frame tag, start code, sizes; no partition data."""
    return riff_webp(b"VP8 ", b"\x10\x02\x00" + b"\x9d\x01\x2a" + struct.pack("<HH", width, height) + bytes(8))


# --- The corpora -----------------------------------------------------------

def images():
    seeds = {
        "gray_32.jpg": jpeg(32, 32, [(1, 1)]),
        "ycc420_48x32_exif6.jpg": jpeg(48, 32, [(2, 2), (1, 1), (1, 1)], exif_orientation(6)),
        "gray_512_reduced.jpg": jpeg(512, 512, [(1, 1)]),  # decoded at 1/2 scale
        "gray_32.png": png(32, 32, 8, 0, bytes(range(0, 256, 8))),
        "rgba_32.png": png(32, 32, 8, 6, b"\x10\x80\xF0\x80" * 32),
        "gray16_32.png": png(32, 32, 16, 0, b"\x12\x34" * 32),
        "palette_trns_32.png": png(32, 32, 8, 3, bytes(32), png_chunk(b"PLTE", b"\xFF\0\0\0\xFF\0")
                                   + png_chunk(b"tRNS", b"\x80")),
        "mono_32.bmp": bmp(32, 32),
        "mono_32_topdown.bmp": bmp(32, -32),
        "mono_32_core.bmp": bmp(32, 32, core_header=True),
        "bmp_width_int32_min.bmp": bmp(-2**31, 32),   # reproducer (c): abs(INT32_MIN)
        "bmp_height_int32_min.bmp": bmp(32, -2**31),
        "gray_32_orient6.tif": gray_tiff(32, 32, [(32, 32)], orientation=6),
        # reproducer (b): duplicate ImageWidth/ImageLength, small then huge, and the reverse
        "tiff_dup_size_small_then_huge.tif": gray_tiff(100, 4, [(100, 100), (20000, 20000)]),
        "tiff_dup_size_huge_then_small.tif": gray_tiff(100, 4, [(20000, 20000), (100, 100)]),
        # found by fuzz_image_loader: a 100 x 100 TIFF whose RowsPerStrip is 10 million; OpenCV
        # sizes its strip buffer by it (4 x 100 x 10^7 bytes = 4 GB) past the loader's limits
        "tiff_rows_per_strip_huge.tif": gray_tiff(100, 4, [(100, 100)], rows_per_strip=10_000_000),
        "flat_32.webp": webp_lossless(32, 32, (0xFF, 0x20, 0x80, 0xE0)),
        "alpha_32.webp": webp_lossless(32, 32, (0x80, 0x20, 0x80, 0xE0), alpha=True),
        "vp8x_alpha_64.webp": webp_vp8x(64, 64, 0x10),
        "vp8x_animated.webp": webp_vp8x(64, 64, 0x02),
        "vp8_header_64.webp": webp_lossy_header(64, 64),
        "gif_header.gif": b"GIF89a\x20\x00\x20\x00\x00\x00\x00;",
        "heic_ftyp.heic": b"\0\0\0\x18ftypheic\0\0\0\0mif1heic",
    }
    # reproducer (a): APP1 "Exif" with segment length 2..7
    for length in range(2, 8):
        seeds[f"jpeg_exif_len{length}.jpg"] = short_exif_jpeg(length)
    seeds["jpeg_exif_len6_mm.jpg"] = short_exif_jpeg(6, b"MM")
    return seeds


CSV = {
    "catalogue.csv": b"photo,category,price,title,description\n"
                     b"phones/a.jpg,phones,120.50,\"iPhone, 64 GB\",\"Says \"\"mint\"\"\nsecond line\"\n"
                     b"/abs/b.png,furniture,35,Chair,\n",
    "crlf_bom.csv": b"\xEF\xBB\xBFphoto,category,price\r\nx.jpg,books,4\r\n\r\ny.jpg,books,-1\r\n",
    "unterminated_quote.csv": b"a.jpg,phones,10,\"open title\nb.jpg,phones,5\n",
    "quote_inside_field.csv": b"a\"b,c\n\"x\"y,z\n\"\",\"\"\"\"\n",
    "formulas.csv": b"=cmd|' /C calc'!A0,+1,-2,@SUM(A1)\n",
    "short_rows.csv": b"only\n,,\n,\n\n\nlast,row,nan,inf",
    "invalid_utf8.csv": b"caf\xE9,\xFF\xFE,\xC3\x28,\xF0\x9F\x98\x80\n",
}

URLS = {
    "sqlite_abs": b"sqlite:/x",
    "sqlite_rel": b"sqlite:relative.sqlite",
    "sqlite_url": b"sqlite://localhost/tmp/x.sqlite",
    "sqlite_empty": b"sqlite:",
    "postgres_full": b"postgresql://u:p@h:5432/db?sslmode=require",
    "postgres_options": b"postgresql://app:s3cr%40t@db.example:6543/listings?sslmode=require&connect_timeout=5"
                        b"&application_name=ll&sslrootcert=%2Fetc%2Fca.pem",
    "postgres_short": b"  postgres://h/db  ",
    "postgres_ipv6": b"postgresql://u@[::1]:99999/db",
    "postgres_no_db": b"postgresql://host-only",
    "postgres_bad_option": b"postgresql://u@h/db?evil=1",
    "postgres_empty_parts": b"postgresql://:@/",
    "postgres_bad_port": b"postgresql://u@h:port/db",
    "postgres_bad_escape": b"postgresql://%zz:%@h/d%b?sslmode",
    "mysql": b"mysql://x@y/z",
    "no_scheme": b"listings.sqlite",
    # the review's injections: a parameter smuggled inside a value, a quote to end one, twice the same
    "postgres_injected_sslmode": b"postgresql://u@h/db?sslmode=require&application_name=x%20sslmode%3Ddisable",
    "postgres_injected_quote": b"postgresql://u@h/db?application_name=x%27%20hostaddr%3D10.0.0.1",
    "postgres_quoted_path": b"postgresql://u@h/db?sslrootcert=%2Ftmp%2Fit%27s%20a%5Cpath%3Dx.pem&application_name=a%20b",
    "postgres_twice": b"postgresql://u@h/db?sslmode=require&sslmode=disable",
    "query_only": b"sslmode=verify-full&connect_timeout=30&application_name=listing%20lens%20(api)",
}

# Multipart: the Content-Type, a line end, then the body (fuzz_multipart).
FORM_TYPE = b"multipart/form-data; boundary=b\n"
PHOTO_PART = b"--b\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\nJPEG\r\n"
MULTIPART = {
    "photo_only": FORM_TYPE + PHOTO_PART + b"--b--\r\n",
    "preamble_and_fields": FORM_TYPE + b"preamble\r\n--b\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n"
                           + PHOTO_PART + b"--b--\r\n",
    "empty_head": FORM_TYPE + b"--b\r\n\r\nnothing\r\n" + PHOTO_PART + b"--b--",
    "quoted_boundary": b"multipart/form-data; boundary=\"a b\"\n--a b\r\nContent-Disposition: form-data; name=photo\r\n\r\nx\r\n--a b--",
    "no_boundary": b"multipart/form-data\n" + PHOTO_PART,
    "long_head": FORM_TYPE + b"--b\r\n" + b"X: y\r\n" * 3000 + b"\r\nx\r\n" + PHOTO_PART + b"--b--",
    "head_never_ends": FORM_TYPE + b"--b\r\nContent-Disposition: form-data; name=\"photo\"\r\n" + b"\n" * 20000,
    "many_parts": FORM_TYPE + b"--b\r\n\r\n\r\n" * 100 + PHOTO_PART + b"--b--",
    "unclosed": FORM_TYPE + PHOTO_PART[:-2],
}


def main():
    corpora = {
        "fuzz_image_header": images(),
        "fuzz_image_loader": images(),
        "fuzz_csv_import": CSV,
        "fuzz_database_url": URLS,
        "fuzz_multipart": MULTIPART,
    }
    for target, seeds in corpora.items():
        folder = CORPUS / target
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for name, data in seeds.items():
            (folder / name).write_bytes(data)
        print(f"{folder.relative_to(CORPUS.parent)}: {len(seeds)} seeds, {sum(map(len, seeds.values()))} bytes")


if __name__ == "__main__":
    main()
