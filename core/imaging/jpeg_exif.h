#pragma once

#include <QByteArray>

namespace listinglens {

// Returns the JPEG with a minimal EXIF block (APP1) that carries only the
// orientation tag, inserted right after the SOI marker. Used to make
// phone-like test and benchmark photos; the input must be a JPEG from our
// own encoder (no EXIF yet).
QByteArray withExifOrientation(const QByteArray &jpeg, int orientation);

} // namespace listinglens
