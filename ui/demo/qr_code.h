#pragma once

#include <QImage>

namespace listinglens::ui {

// `text` as a QR code (libqrencode, error correction M), black on white, with
// the four-module quiet zone the standard asks for, each module `moduleSize`
// pixels square. A null image when the text does not fit in a QR code.
QImage qrCodeImage(const QByteArray &text, int moduleSize);

} // namespace listinglens::ui
