#pragma once

#include <QString>

namespace listinglens {

QString versionString();  // "0.1.0"
// Multi-line: ListingLens, Qt, LibTorch and OpenCV versions.
QString versionReport();

} // namespace listinglens
