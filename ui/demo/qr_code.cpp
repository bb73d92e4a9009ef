#include "qr_code.h"

#include <qrencode.h>

#include <memory>

namespace listinglens::ui {

QImage qrCodeImage(const QByteArray &text, int moduleSize)
{
    if (text.isEmpty() || moduleSize < 1)
        return {};
    const std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeString(text.constData(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
    if (!code)
        return {};
    constexpr int kQuiet = 4;
    const int modules = code->width + 2 * kQuiet;
    QImage image(modules * moduleSize, modules * moduleSize, QImage::Format_Grayscale8);
    image.fill(255);
    for (int y = 0; y < code->width; ++y) {
        for (int x = 0; x < code->width; ++x) {
            if (!(code->data[y * code->width + x] & 1))
                continue;
            for (int dy = 0; dy < moduleSize; ++dy) {
                uchar *line = image.scanLine((y + kQuiet) * moduleSize + dy);
                std::fill_n(line + (x + kQuiet) * moduleSize, moduleSize, uchar(0));
            }
        }
    }
    return image;
}

} // namespace listinglens::ui
