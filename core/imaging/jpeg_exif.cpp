#include "jpeg_exif.h"

namespace listinglens {

QByteArray withExifOrientation(const QByteArray &jpeg, int orientation)
{
    // Big-endian TIFF: header, one IFD with one SHORT entry (tag 274), no next IFD.
    const unsigned char tiff[] = {
        'M', 'M', 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08, // byte order, magic, IFD at 8
        0x00, 0x01,                                   // one entry
        0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, // tag 274, SHORT, count 1
        0x00, static_cast<unsigned char>(orientation), 0x00, 0x00, // value
        0x00, 0x00, 0x00, 0x00,                       // no next IFD
    };
    QByteArray app1("Exif\0\0", 6);
    app1.append(reinterpret_cast<const char *>(tiff), sizeof tiff);
    const int length = int(app1.size()) + 2;
    QByteArray segment;
    segment.append(char(0xFF)).append(char(0xE1)).append(char(length >> 8)).append(char(length & 0xFF));
    segment.append(app1);
    QByteArray out = jpeg.left(2);
    out.append(segment);
    out.append(jpeg.mid(2));
    return out;
}

} // namespace listinglens
