#pragma once

#include "error.h"

#include <QString>
#include <QStringList>

namespace listinglens {

// Makes phone-sized test photos from real ones, as ../shared/testdata/README.md
// asks: each photo upscaled so its longer side is 4000 px (12 MP at 4:3),
// re-encoded as JPEG quality 90; every other one stored rotated with an EXIF
// orientation tag (6) as phones do. Existing files are reused.
// Returns the written paths.
Result<QStringList> makePhonePhotos(const QString &sourceDir, const QString &outDir, int longSide = 4000);

// Where bench and screenshot runs keep the phone-sized photos they make.
QString defaultBenchPhotosDir();

} // namespace listinglens
