#include "image_header.h"

#include "tiff_decoder.h"

#include <algorithm>
#include <cstring>
#include <optional>

namespace listinglens {

namespace {

// Bounds-checked big/little-endian reads over the whole buffer.
class ByteReader {
public:
    ByteReader(std::span<const std::uint8_t> data, bool bigEndian) : m_data(data), m_big(bigEndian) {}

    bool has(std::size_t offset, std::size_t count) const
    {
        return offset <= m_data.size() && count <= m_data.size() - offset;
    }
    std::optional<std::uint32_t> u8(std::size_t offset) const
    {
        if (!has(offset, 1))
            return std::nullopt;
        return m_data[offset];
    }
    std::optional<std::uint32_t> u16(std::size_t offset) const
    {
        if (!has(offset, 2))
            return std::nullopt;
        const std::uint32_t a = m_data[offset], b = m_data[offset + 1];
        return m_big ? (a << 8 | b) : (b << 8 | a);
    }
    std::optional<std::uint32_t> u24(std::size_t offset) const
    {
        if (!has(offset, 3))
            return std::nullopt;
        const std::uint32_t a = m_data[offset], b = m_data[offset + 1], c = m_data[offset + 2];
        return m_big ? (a << 16 | b << 8 | c) : (c << 16 | b << 8 | a);
    }
    std::optional<std::uint32_t> u32(std::size_t offset) const
    {
        const auto hi = u16(m_big ? offset : offset + 2);
        const auto lo = u16(m_big ? offset + 2 : offset);
        if (!hi || !lo)
            return std::nullopt;
        return *hi << 16 | *lo;
    }
    bool matches(std::size_t offset, const char *text) const
    {
        const std::size_t n = std::strlen(text);
        return has(offset, n) && std::memcmp(m_data.data() + offset, text, n) == 0;
    }
    std::span<const std::uint8_t> data() const { return m_data; }

private:
    std::span<const std::uint8_t> m_data;
    bool m_big;
};

Error corrupt(const QString &what)
{
    return {ErrorCode::Corrupt, what};
}

bool startsWith(std::span<const std::uint8_t> data, std::initializer_list<std::uint8_t> magic)
{
    return data.size() >= magic.size() && std::equal(magic.begin(), magic.end(), data.begin());
}

struct TiffFields {
    std::uint32_t width = 0, height = 0, bitsPerSample = 8, samplesPerPixel = 1, photometric = 2;
    std::uint32_t orientation = 1;
    std::uint32_t rowsPerStrip = 0xFFFFFFFF, tileWidth = 0, tileLength = 0;
    std::uint32_t compression = 1;
    bool extraSamples = false;
    bool sizeOfOtherType = false; // a size, strip or tile field neither SHORT nor LONG
};

// Reads the first IFD of a TIFF structure (a TIFF file or an EXIF block).
std::optional<TiffFields> readTiffIfd(std::span<const std::uint8_t> tiff)
{
    if (tiff.size() < 8)
        return std::nullopt;
    bool big;
    if (tiff[0] == 'I' && tiff[1] == 'I')
        big = false;
    else if (tiff[0] == 'M' && tiff[1] == 'M')
        big = true;
    else
        return std::nullopt;
    const ByteReader r(tiff, big);
    if (r.u16(2) != 42u)
        return std::nullopt;
    const auto ifd = r.u32(4);
    const auto count = ifd ? r.u16(*ifd) : std::nullopt;
    if (!count)
        return std::nullopt;
    TiffFields f;
    // libtiff keeps the first of duplicate tags: so does this, so that the size
    // checked here is the size the decoder will allocate.
    std::uint64_t seen = 0;
    const auto firstTime = [&seen](int bit) {
        const bool first = !(seen & (std::uint64_t(1) << bit));
        seen |= std::uint64_t(1) << bit;
        return first;
    };
    for (std::uint32_t i = 0; i < *count; ++i) {
        const std::size_t entry = std::size_t(*ifd) + 2 + 12 * i;
        const auto tag = r.u16(entry), type = r.u16(entry + 2);
        if (!tag || !type)
            return std::nullopt;
        // The sizes the memory check rests on must be the ones libtiff reads:
        // a SHORT or a LONG, in the entry. Any other type (a LONG8 is 8
        // bytes, stored at an offset; a RATIONAL, a DOUBLE) is refused (readTiff).
        const bool sizeTag = *tag == 256 || *tag == 257 || *tag == 278 || *tag == 322 || *tag == 323;
        if (sizeTag && *type != 3 && *type != 4) {
            f.sizeOfOtherType = true;
            continue;
        }
        // SHORT (3) values sit in the first two bytes of the value field, LONG (4) in all four.
        const auto value = *type == 3 ? r.u16(entry + 8) : r.u32(entry + 8);
        if (!value)
            return std::nullopt;
        switch (*tag) {
        case 256: if (firstTime(0)) f.width = *value; break;
        case 257: if (firstTime(1)) f.height = *value; break;
        case 258: {
            if (!firstTime(2))
                break;
            // One SHORT fits in the entry; several are stored at an offset.
            const auto count = r.u32(entry + 4).value_or(1);
            const auto at = count <= 2 ? std::optional<std::uint32_t>(std::uint32_t(entry + 8)) : r.u32(entry + 8);
            f.bitsPerSample = (at ? r.u16(*at) : std::nullopt).value_or(8);
            break;
        }
        case 259: if (firstTime(9)) f.compression = *value; break;
        case 262: if (firstTime(3)) f.photometric = *value; break;
        case 274: if (firstTime(4)) f.orientation = *value; break;
        case 277: if (firstTime(5)) f.samplesPerPixel = *value; break;
        case 278: if (firstTime(6)) f.rowsPerStrip = *value; break;
        case 322: if (firstTime(7)) f.tileWidth = *value; break;
        case 323: if (firstTime(8)) f.tileLength = *value; break;
        case 338: f.extraSamples = true; break;
        default: break;
        }
    }
    return f;
}

int validOrientation(std::uint32_t value)
{
    return value >= 1 && value <= 8 ? int(value) : 1;
}

Result<ImageHeader> readJpeg(std::span<const std::uint8_t> data)
{
    const ByteReader r(data, true);
    ImageHeader h;
    h.format = ImageFormat::Jpeg;
    std::size_t pos = 2;
    bool haveFrame = false;
    while (true) {
        // Markers may be preceded by any number of 0xFF fill bytes.
        if (!r.has(pos, 2))
            return corrupt(QStringLiteral("the JPEG header ends before the image data"));
        if (data[pos] != 0xFF)
            return corrupt(QStringLiteral("the JPEG header is malformed"));
        while (r.has(pos + 1, 1) && data[pos + 1] == 0xFF)
            ++pos;
        const auto marker = r.u8(pos + 1);
        if (!marker)
            return corrupt(QStringLiteral("the JPEG header ends before the image data"));
        pos += 2;
        if (*marker == 0x01 || (*marker >= 0xD0 && *marker <= 0xD7))
            continue; // standalone markers
        if (*marker == 0xD9)
            return corrupt(QStringLiteral("the JPEG has no image data"));
        const auto length = r.u16(pos);
        if (!length || *length < 2 || !r.has(pos, *length))
            return corrupt(QStringLiteral("the JPEG header is cut short"));
        const std::size_t body = pos + 2;
        const bool isFrame = *marker >= 0xC0 && *marker <= 0xCF && *marker != 0xC4 && *marker != 0xC8
                             && *marker != 0xCC;
        if (isFrame && !haveFrame) {
            const auto precision = r.u8(body), height = r.u16(body + 1), width = r.u16(body + 3),
                       components = r.u8(body + 5);
            if (!precision || !height || !width || !components)
                return corrupt(QStringLiteral("the JPEG frame header is cut short"));
            if (*marker == 0xC3 || *marker == 0xC7 || *marker == 0xCB || *marker == 0xCF)
                return Error{ErrorCode::UnsupportedFormat, QStringLiteral("lossless JPEG is not supported")};
            if (*height == 0)
                return Error{ErrorCode::UnsupportedFormat,
                             QStringLiteral("JPEG with the height defined later (DNL) is not supported")};
            h.width = int(*width);
            h.height = int(*height);
            h.bitsPerSample = int(*precision);
            h.channels = int(*components);
            haveFrame = true;
        } else if (*marker == 0xE1 && *length >= 8 && r.matches(body, "Exif") && data[body + 4] == 0
                   && data[body + 5] == 0) {
            // The length counts its own two bytes and the six of "Exif\0\0": the
            // check above keeps the TIFF block inside the segment (r.has(pos, length)).
            const auto exif = data.subspan(body + 6, *length - 8);
            if (const auto fields = readTiffIfd(exif))
                h.orientation = validOrientation(fields->orientation);
        } else if (*marker == 0xDA) {
            if (!haveFrame)
                return corrupt(QStringLiteral("the JPEG has image data but no frame header"));
            // Entropy-coded data never contains FF D9 (0xFF is stuffed as FF 00), so
            // a missing end-of-image marker means the file was cut short.
            const auto tail = data.subspan(body);
            const std::uint8_t eoi[] = {0xFF, 0xD9};
            if (std::search(tail.begin(), tail.end(), std::begin(eoi), std::end(eoi)) == tail.end())
                return corrupt(QStringLiteral("the JPEG data ends early (the file is truncated)"));
            return h;
        }
        pos += *length;
    }
}

Result<ImageHeader> readPng(std::span<const std::uint8_t> data)
{
    const ByteReader r(data, true);
    if (!r.matches(12, "IHDR"))
        return corrupt(QStringLiteral("the PNG header is missing"));
    const auto width = r.u32(16), height = r.u32(20), depth = r.u8(24), colour = r.u8(25);
    if (!width || !height || !depth || !colour)
        return corrupt(QStringLiteral("the PNG header is cut short"));
    ImageHeader h;
    h.format = ImageFormat::Png;
    h.width = int(std::min<std::uint32_t>(*width, INT32_MAX));
    h.height = int(std::min<std::uint32_t>(*height, INT32_MAX));
    h.bitsPerSample = int(*depth);
    h.hasAlpha = *colour == 4 || *colour == 6;
    h.channels = (*colour == 0 || *colour == 4) ? 1 : 3;
    // An interlaced PNG is decoded whole as 8-bit BGRA (png_decoder.h); any other a row at a time.
    if (r.u8(28).value_or(0) != 0) // capped so that a lying header cannot overflow it (the pixel limit refuses it)
        h.workBytes = std::min<qint64>(qint64(h.width) * h.height, qint64(1) << 48) * 4;
    // A tRNS chunk before the image data also means transparency.
    std::size_t pos = 8;
    while (!h.hasAlpha) {
        const auto length = r.u32(pos);
        if (!length || r.matches(pos + 4, "IDAT") || !r.has(pos, std::size_t(*length) + 12))
            break;
        if (r.matches(pos + 4, "tRNS"))
            h.hasAlpha = true;
        pos += std::size_t(*length) + 12;
    }
    return h;
}

Result<ImageHeader> readWebP(std::span<const std::uint8_t> data)
{
    const ByteReader r(data, false);
    ImageHeader h;
    h.format = ImageFormat::WebP;
    if (r.matches(12, "VP8 ")) {
        // Lossy: frame tag (3), start code 9d 01 2a, then 14-bit width and height.
        const auto w = r.u16(26), ht = r.u16(28);
        if (!w || !ht || !(data[23] == 0x9d && data[24] == 0x01 && data[25] == 0x2a))
            return corrupt(QStringLiteral("the WebP header is malformed"));
        h.width = int(*w & 0x3FFF);
        h.height = int(*ht & 0x3FFF);
    } else if (r.matches(12, "VP8L")) {
        const auto bits = r.u32(21);
        if (!bits || data[20] != 0x2F)
            return corrupt(QStringLiteral("the WebP header is malformed"));
        h.width = int((*bits & 0x3FFF) + 1);
        h.height = int(((*bits >> 14) & 0x3FFF) + 1);
        h.hasAlpha = (*bits >> 28) & 1;
        h.workBytes = qint64(h.width) * h.height * 4; // libwebp decodes a lossless image into ARGB first
    } else if (r.matches(12, "VP8X")) {
        const auto flags = r.u8(20), w = r.u24(24), ht = r.u24(27);
        if (!flags || !w || !ht)
            return corrupt(QStringLiteral("the WebP header is cut short"));
        if (*flags & 0x02)
            return Error{ErrorCode::UnsupportedFormat, QStringLiteral("animated WebP is not supported")};
        h.width = int(*w + 1);
        h.height = int(*ht + 1);
        h.hasAlpha = *flags & 0x10;
        // Its image is lossless (ARGB first), or lossy with or without an
        // alpha plane (a byte a pixel); unknown (cut short): as lossless.
        h.workBytes = qint64(h.width) * h.height * 4;
        // The chunks up to the image's: an ALPH chunk is noted and passed
        // (libwebp decodes whatever image follows it), and the image chunk
        // says what libwebp holds. A lossy image's alpha plane is a byte a
        // pixel; when that plane is compressed (losslessly, the ALPH chunk's
        // low two bits), libwebp's lossless decoder also holds it as ARGB,
        // 4 bytes a pixel, unless it is colour-indexed (not checked here).
        std::optional<std::uint32_t> alphaCompression;
        for (std::size_t pos = 30; r.has(pos, 8);) {
            const std::size_t size = *r.u32(pos + 4);
            if (r.matches(pos, "ALPH") && !alphaCompression) {
                alphaCompression = r.u8(pos + 8).value_or(1) & 0x03;
            } else if (r.matches(pos, "VP8 ")) {
                const qint64 pixels = qint64(h.width) * h.height;
                h.workBytes = !alphaCompression ? 0 : *alphaCompression == 0 ? pixels : 5 * pixels;
                break;
            } else if (r.matches(pos, "VP8L")) {
                break;
            }
            pos += 8 + size + (size & 1);
        }
    } else {
        return corrupt(QStringLiteral("the WebP header is malformed"));
    }
    return h;
}

Result<ImageHeader> readBmp(std::span<const std::uint8_t> data)
{
    const ByteReader r(data, false);
    const auto dibSize = r.u32(14);
    if (!dibSize)
        return corrupt(QStringLiteral("the BMP header is cut short"));
    ImageHeader h;
    h.format = ImageFormat::Bmp;
    if (*dibSize == 12) {
        const auto w = r.u16(18), ht = r.u16(20);
        if (!w || !ht)
            return corrupt(QStringLiteral("the BMP header is cut short"));
        h.width = int(*w);
        h.height = int(*ht);
    } else {
        const auto w = r.u32(18), ht = r.u32(22);
        if (!w || !ht)
            return corrupt(QStringLiteral("the BMP header is cut short"));
        // Signed fields: a negative height means stored top-down; a negative width is invalid.
        const std::int64_t width = std::int32_t(*w), height = std::int32_t(*ht);
        if (width <= 0 || height == 0 || height == INT32_MIN)
            return corrupt(QStringLiteral("the BMP header declares an invalid size"));
        h.width = int(width);
        h.height = int(height < 0 ? -height : height);
    }
    return h;
}

Result<ImageHeader> readTiff(std::span<const std::uint8_t> data)
{
    const auto f = readTiffIfd(data);
    if (f && f->sizeOfOtherType)
        return corrupt(QStringLiteral("the TIFF header gives its size, strips or tiles as a type other than SHORT or LONG"));
    if (!f || f->width == 0 || f->height == 0)
        return corrupt(QStringLiteral("the TIFF header is malformed"));
    ImageHeader h;
    h.format = ImageFormat::Tiff;
    h.width = int(std::min<std::uint32_t>(f->width, INT32_MAX));
    h.height = int(std::min<std::uint32_t>(f->height, INT32_MAX));
    if (f->bitsPerSample == 0 || f->bitsPerSample > 64 || f->samplesPerPixel == 0 || f->samplesPerPixel > 8)
        return corrupt(QStringLiteral("the TIFF header declares an invalid sample layout"));
    h.bitsPerSample = int(f->bitsPerSample);
    h.channels = f->photometric == 5 ? 4 : int(std::min<std::uint32_t>(f->samplesPerPixel, 3));
    h.hasAlpha = f->extraSamples;
    h.orientation = validOrientation(f->orientation);
    // JPEG inside a TIFF goes through libtiff's own use of libjpeg, outside the
    // limits on scans, memory and time that JPEGs themselves decode under.
    if (f->compression == 6 || f->compression == 7)
        return Error{ErrorCode::UnsupportedFormat, QStringLiteral("TIFF with JPEG compression is not supported; send the JPEG itself")};
    // The decoder holds a band of RGBA rows as tall as a strip or a tile,
    // and libtiff's decoded strip or tile (tiff_decoder.h): the whole image
    // when RowsPerStrip is absent, and beyond it when a strip declares more
    // rows than there are (clamped here as the decoder clamps them).
    // Sides are clamped before multiplying (anything this large is refused anyway).
    const auto side = [](std::uint32_t v) { return qint64(std::min<std::uint32_t>(v, 1u << 24)); };
    const bool tiled = f->tileWidth > 0 || f->tileLength > 0;
    const std::uint32_t bandRows = tiled ? f->tileLength
                                   : f->rowsPerStrip == 0 ? f->height : std::min(f->rowsPerStrip, f->height);
    h.workBytes = tiffWorkBytes(side(f->width), std::max<qint64>(1, side(bandRows)), tiled ? std::max<qint64>(1, side(f->tileWidth)) : 0,
                                int(f->samplesPerPixel), int(f->bitsPerSample));
    return h;
}

} // namespace

qint64 ImageHeader::decodedBytes(int scale) const
{
    const qint64 s = std::max(1, scale);
    const auto side = [s](int v) { return (std::min<qint64>(v, 1 << 24) + s - 1) / s; }; // no overflow below
    const qint64 w = side(width), h = side(height);
    const qint64 samples = std::max(channels, 1) + (hasAlpha ? 1 : 0);
    const qint64 bytesPerSample = std::max(1, (bitsPerSample + 7) / 8);
    return w * h * samples * bytesPerSample + workBytes;
}

QString imageFormatName(ImageFormat format)
{
    switch (format) {
    case ImageFormat::Jpeg: return QStringLiteral("jpeg");
    case ImageFormat::Png: return QStringLiteral("png");
    case ImageFormat::WebP: return QStringLiteral("webp");
    case ImageFormat::Bmp: return QStringLiteral("bmp");
    case ImageFormat::Tiff: return QStringLiteral("tiff");
    }
    return {};
}

Result<ImageHeader> readImageHeader(std::span<const std::uint8_t> data)
{
    if (data.empty())
        return Error{ErrorCode::Empty, QStringLiteral("the file is empty")};
    Result<ImageHeader> header = Error{ErrorCode::UnsupportedFormat, {}};
    if (startsWith(data, {0xFF, 0xD8, 0xFF}))
        header = readJpeg(data);
    else if (startsWith(data, {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}))
        header = readPng(data);
    else if (startsWith(data, {'R', 'I', 'F', 'F'}) && data.size() >= 12 && std::memcmp(data.data() + 8, "WEBP", 4) == 0)
        header = readWebP(data);
    else if (startsWith(data, {'B', 'M'}))
        header = readBmp(data);
    else if (startsWith(data, {'I', 'I', 42, 0}) || startsWith(data, {'M', 'M', 0, 42}))
        header = readTiff(data);
    else if (startsWith(data, {'G', 'I', 'F', '8'}))
        return Error{ErrorCode::UnsupportedFormat, QStringLiteral("GIF is not supported; use JPEG, PNG, WebP, BMP or TIFF")};
    else if (data.size() >= 12 && std::memcmp(data.data() + 4, "ftyp", 4) == 0)
        return Error{ErrorCode::UnsupportedFormat, QStringLiteral("HEIC/AVIF is not supported; export the photo as JPEG")};
    else
        return Error{ErrorCode::UnsupportedFormat,
                     QStringLiteral("not a supported image (JPEG, PNG, WebP, BMP or TIFF)")};
    if (header.ok() && (header.value().width <= 0 || header.value().height <= 0))
        return corrupt(QStringLiteral("the image header declares no pixels"));
    return header;
}

} // namespace listinglens
