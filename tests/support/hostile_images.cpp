#include "hostile_images.h"

#include <QtEndian>

#include <webp/encode.h>
#include <zlib.h>

#include <algorithm>

#include <functional>
#include <vector>

namespace listinglens::test {

namespace {

void put16(QByteArray &out, int v)
{
    out += char((v >> 8) & 0xFF);
    out += char(v & 0xFF);
}

void marker(QByteArray &out, quint8 code, const QByteArray &body)
{
    out += char(0xFF);
    out += char(code);
    put16(out, int(body.size()) + 2);
    out += body;
}

// Entropy-coded data of `bits` zero bits, padded with one bits as the
// standard asks (never a whole 0xFF byte, so nothing needs stuffing).
QByteArray zeroBits(qint64 bits)
{
    QByteArray data(qsizetype((bits + 7) / 8), '\0');
    if (const int used = int(bits % 8))
        data[data.size() - 1] = char(0xFF >> used);
    return data;
}

QByteArray scanHeader(const std::vector<int> &components, int ss, int se, int ah, int al)
{
    QByteArray sos;
    sos += char(components.size());
    for (int c : components) {
        sos += char(c);
        sos += char(0x00); // DC table 0, AC table 0
    }
    sos += char(ss);
    sos += char(se);
    sos += char((ah << 4) | al);
    return sos;
}

// One AC scan of a component whose coefficients are all zero: end-of-band
// runs of 16384 blocks (symbol 0xE0, code "0", then 14 extra bits of 0).
void acScan(QByteArray &out, int component, qint64 blocks, int ah, int al)
{
    marker(out, 0xDA, scanHeader({component}, 1, 63, ah, al));
    out += zeroBits(blocks / 16384 * 15);
}

// zlib's deflate of `rows` copies of `row`, streamed.
QByteArray deflateRows(const QByteArray &row, int rows)
{
    z_stream z{};
    deflateInit(&z, 6);
    QByteArray out;
    std::vector<unsigned char> chunk(1 << 16);
    auto pump = [&](int flush) {
        do {
            z.next_out = chunk.data();
            z.avail_out = uInt(chunk.size());
            deflate(&z, flush);
            out.append(reinterpret_cast<const char *>(chunk.data()), qsizetype(chunk.size() - z.avail_out));
        } while (z.avail_out == 0);
    };
    for (int y = 0; y < rows; ++y) {
        z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(row.constData()));
        z.avail_in = uInt(row.size());
        pump(Z_NO_FLUSH);
    }
    pump(Z_FINISH);
    deflateEnd(&z);
    return out;
}

void pngChunk(QByteArray &out, const char *type, const QByteArray &data)
{
    char length[4];
    qToBigEndian(quint32(data.size()), length);
    out.append(length, 4);
    const QByteArray typed = QByteArray(type, 4) + data;
    out += typed;
    char crc[4];
    qToBigEndian(quint32(crc32(0, reinterpret_cast<const Bytef *>(typed.constData()), uInt(typed.size()))), crc);
    out.append(crc, 4);
}

} // namespace

QByteArray progressiveJpeg(int width, int height, int components, ScanAbuse abuse, int repeats)
{
    const qint64 blocks = qint64(width / 8) * (height / 8);
    QByteArray out("\xFF\xD8", 2);
    marker(out, 0xDB, QByteArray(1, '\0') + QByteArray(64, '\1')); // quantisation table 0: all ones
    QByteArray frame;
    frame += char(8);
    put16(frame, height);
    put16(frame, width);
    frame += char(components);
    std::vector<int> ids;
    for (int c = 1; c <= components; ++c) {
        frame += char(c);
        frame += char(0x11);
        frame += char(0);
        ids.push_back(c);
    }
    marker(out, 0xC2, frame);
    // DC table 0: one code of length 1 ("0") for category 0; AC table 0: "0" for EOB14.
    const QByteArray oneCode = QByteArray(1, '\1') + QByteArray(15, '\0');
    marker(out, 0xC4, QByteArray(1, '\x00') + oneCode + QByteArray(1, '\x00'));
    marker(out, 0xC4, QByteArray(1, '\x10') + oneCode + QByteArray(1, '\xE0'));
    marker(out, 0xDA, scanHeader(ids, 0, 0, 0, 0)); // DC, every component interleaved: one bit per block
    out += zeroBits(blocks * components);
    for (int c : ids) {
        acScan(out, c, blocks, 0, 1);
        acScan(out, c, blocks, 1, 0);
    }
    for (int i = 0; i < repeats; ++i) {
        if (abuse == ScanAbuse::RepeatRefinement)
            acScan(out, 1, blocks, 1, 0);
        else if (abuse == ScanAbuse::RepeatFirstScan)
            acScan(out, 1, blocks, 0, 0);
    }
    out += QByteArray("\xFF\xD9", 2);
    return out;
}

QByteArray tiffOneStrip(int width, int height)
{
    return tiffInStrips(width, height, 0);
}

QByteArray tiffInStrips(int width, int height, int rowsPerStrip)
{
    const int rows = rowsPerStrip > 0 ? std::min(rowsPerStrip, height) : height;
    const quint32 strips = quint32((height + rows - 1) / rows);
    // Every strip holds the same rows (the last is read as far as the image goes): one copy, shared.
    const QByteArray strip = deflateRows(QByteArray(qsizetype(width) * 3, char(0x80)), rows);
    // Header, the strip, the IFD, the BitsPerSample values, then (several strips) their offsets and sizes.
    const quint16 entries = rowsPerStrip > 0 ? 10 : 9;
    QByteArray out("II*\0", 4);
    const quint32 stripAt = 8, ifdAt = quint32(8 + strip.size() + (strip.size() & 1));
    const quint32 bitsAt = ifdAt + 2 + entries * 12 + 4;
    const quint32 offsetsAt = bitsAt + 6, sizesAt = offsetsAt + 4 * strips;
    char word[4];
    qToLittleEndian(ifdAt, word);
    out.append(word, 4);
    out += strip;
    if (strip.size() & 1)
        out += '\0';
    const auto entry = [&out](quint16 tag, quint16 type, quint32 count, quint32 value) {
        char e[12] = {};
        qToLittleEndian(tag, e);
        qToLittleEndian(type, e + 2);
        qToLittleEndian(count, e + 4);
        if (type == 3 && count == 1)
            qToLittleEndian(quint16(value), e + 8);
        else
            qToLittleEndian(value, e + 8);
        out.append(e, 12);
    };
    char count[2];
    qToLittleEndian(entries, count);
    out.append(count, 2);
    entry(256, 4, 1, quint32(width));
    entry(257, 4, 1, quint32(height));
    entry(258, 3, 3, bitsAt);           // 8, 8, 8
    entry(259, 3, 1, 8);                // Deflate
    entry(262, 3, 1, 2);                // RGB
    entry(273, 4, strips, strips == 1 ? stripAt : offsetsAt);
    entry(277, 3, 1, 3);
    if (rowsPerStrip > 0)
        entry(278, 4, 1, quint32(rows));
    entry(279, 4, strips, strips == 1 ? quint32(strip.size()) : sizesAt);
    entry(284, 3, 1, 1);                // chunky
    out.append(4, '\0');                // no next IFD
    for (int i = 0; i < 3; ++i) {
        char bits[2];
        qToLittleEndian(quint16(8), bits);
        out.append(bits, 2);
    }
    if (strips > 1) {
        for (quint32 i = 0; i < strips; ++i) {
            qToLittleEndian(stripAt, word);
            out.append(word, 4);
        }
        for (quint32 i = 0; i < strips; ++i) {
            qToLittleEndian(quint32(strip.size()), word);
            out.append(word, 4);
        }
    }
    return out;
}

QByteArray webpLosslessHeader(int width, int height)
{
    QByteArray out("RIFF\0\0\0\0WEBPVP8L", 16);
    char word[4];
    qToLittleEndian(quint32(64), word); // the chunk's size: its data is not there (the header is refused first)
    out.append(word, 4);
    out += char(0x2F);
    qToLittleEndian(quint32((width - 1) | ((height - 1) << 14)), word);
    out.append(word, 4);
    out += QByteArray(60, '\0');
    qToLittleEndian(quint32(out.size() - 8), word);
    out.replace(4, 4, QByteArray(word, 4));
    return out;
}

QByteArray flatLosslessWebP(int width, int height, bool wrapped)
{
    // libwebp's lossless bitstream of a flat colour: after the 0x2F signature
    // and the 32-bit size word, codes that cost no bits a pixel.
    static const char flat[] = "\x07\x10\x11\x11\x88\x88\xfe\x07";
    const auto chunk = [](const char *type, const QByteArray &data) {
        QByteArray out(type, 4);
        char size[4];
        qToLittleEndian(quint32(data.size()), size);
        out.append(size, 4);
        out += data;
        if (data.size() & 1)
            out += '\0';
        return out;
    };
    QByteArray vp8l(1, char(0x2F));
    char word[4];
    qToLittleEndian(quint32((width - 1) | ((height - 1) << 14) | (1u << 28)), word);
    vp8l.append(word, 4);
    vp8l.append(flat, 8);
    QByteArray body("WEBP", 4);
    if (wrapped) {
        QByteArray vp8x(10, '\0');
        vp8x[0] = 0x10; // alpha
        for (int i = 0; i < 3; ++i) {
            vp8x[4 + i] = char(((width - 1) >> (8 * i)) & 0xFF);
            vp8x[7 + i] = char(((height - 1) >> (8 * i)) & 0xFF);
        }
        body += chunk("VP8X", vp8x) + chunk("ALPH", QByteArray(2, '\0'));
    }
    body += chunk("VP8L", vp8l);
    QByteArray out("RIFF", 4);
    qToLittleEndian(quint32(body.size()), word);
    out.append(word, 4);
    return out + body;
}

QByteArray tiffSizeInLong8(int width, int height)
{
    const auto u16 = [](QByteArray &out, quint16 v) { char b[2]; qToLittleEndian(v, b); out.append(b, 2); };
    const auto u32 = [](QByteArray &out, quint32 v) { char b[4]; qToLittleEndian(v, b); out.append(b, 4); };
    QByteArray data(56, '\0'); // padding, so that the LONG8 values sit at offsets 64 and 72
    const quint32 base = 8, long8At = base + quint32(data.size());
    char eight[8];
    qToLittleEndian(quint64(width), eight);
    data.append(eight, 8);
    qToLittleEndian(quint64(height), eight);
    data.append(eight, 8);
    const quint32 rowAt = base + quint32(data.size());
    data += QByteArray(qsizetype(width) * 3, char(0x80)); // one row, shared by every strip
    const quint32 offsetsAt = base + quint32(data.size());
    for (int y = 0; y < height; ++y)
        u32(data, rowAt);
    const quint32 sizesAt = base + quint32(data.size());
    for (int y = 0; y < height; ++y)
        u32(data, quint32(width) * 3);
    QByteArray out("II*\0", 4);
    u32(out, base + quint32(data.size()));
    out += data;
    const auto entry = [&](quint16 tag, quint16 type, quint32 count, quint32 value) {
        u16(out, tag);
        u16(out, type);
        u32(out, count);
        if (type == 3 && count == 1) {
            u16(out, quint16(value));
            u16(out, 0);
        } else {
            u32(out, value);
        }
    };
    u16(out, 9);
    entry(256, 16, 1, long8At);     // ImageWidth, LONG8
    entry(257, 16, 1, long8At + 8); // ImageLength, LONG8
    entry(258, 3, 1, 8);
    entry(259, 3, 1, 1);            // uncompressed
    entry(262, 3, 1, 2);            // RGB
    entry(273, 4, quint32(height), offsetsAt);
    entry(277, 3, 1, 3);
    entry(278, 3, 1, 1);            // a row a strip
    entry(279, 4, quint32(height), sizesAt);
    u32(out, 0);
    return out;
}

QByteArray lossyWebP(int width, int height)
{
    WebPConfig config;
    WebPPicture picture;
    if (!WebPConfigInit(&config) || !WebPPictureInit(&picture))
        return {};
    config.method = 0;
    config.quality = 50;
    picture.width = width;
    picture.height = height;
    picture.use_argb = 0;
    if (!WebPPictureAlloc(&picture))
        return {};
    // A flat grey with a darker band: Y, U and V planes set directly.
    for (int y = 0; y < height; ++y)
        std::fill_n(picture.y + std::size_t(y) * picture.y_stride, width, uint8_t(y % 512 < 256 ? 200 : 60));
    for (int y = 0; y < (height + 1) / 2; ++y) {
        std::fill_n(picture.u + std::size_t(y) * picture.uv_stride, (width + 1) / 2, uint8_t(128));
        std::fill_n(picture.v + std::size_t(y) * picture.uv_stride, (width + 1) / 2, uint8_t(128));
    }
    WebPMemoryWriter writer;
    WebPMemoryWriterInit(&writer);
    picture.writer = WebPMemoryWrite;
    picture.custom_ptr = &writer;
    const bool ok = WebPEncode(&config, &picture);
    WebPPictureFree(&picture);
    QByteArray out = ok ? QByteArray(reinterpret_cast<const char *>(writer.mem), qsizetype(writer.size)) : QByteArray();
    WebPMemoryWriterClear(&writer);
    return out;
}

QByteArray interlacedPngStart(int width, int height)
{
    QByteArray out("\x89PNG\r\n\x1a\n", 8);
    QByteArray ihdr(13, '\0');
    qToBigEndian(quint32(width), ihdr.data());
    qToBigEndian(quint32(height), ihdr.data() + 4);
    ihdr[8] = 8;  // bits per sample
    ihdr[9] = 2;  // RGB
    ihdr[12] = 1; // Adam7
    pngChunk(out, "IHDR", ihdr);
    pngChunk(out, "IDAT", QByteArray("\x78\x9c", 2));
    pngChunk(out, "IEND", {});
    return out;
}

QByteArray png16Rgba(int width, int height)
{
    return flatPng(width, height, 16, 6);
}

QByteArray flatPng(int width, int height, int bits, int colourType, int extraRows)
{
    QByteArray out("\x89PNG\r\n\x1a\n", 8);
    QByteArray ihdr(13, '\0');
    qToBigEndian(quint32(width), ihdr.data());
    qToBigEndian(quint32(height), ihdr.data() + 4);
    ihdr[8] = char(bits);
    ihdr[9] = char(colourType);
    pngChunk(out, "IHDR", ihdr);
    const int samples = colourType == 6 ? 4 : colourType == 2 ? 3 : colourType == 4 ? 2 : 1;
    QByteArray row(1 + qsizetype(width) * samples * bits / 8, char(0x80)); // filter 0, then mid grey (half opaque)
    row[0] = 0;
    pngChunk(out, "IDAT", deflateRows(row, height + extraRows));
    pngChunk(out, "IEND", {});
    return out;
}

} // namespace listinglens::test
