#pragma once

#include <QByteArray>
#include <QString>

#include <vector>

namespace listinglens {

// Weights in a JSON document: float32, little-endian, base64 (the head's and
// the title word model's). A text that is not a whole number of floats loses its tail.
QByteArray floatsToBase64(const std::vector<float> &values);
std::vector<float> floatsFromBase64(const QString &text);

} // namespace listinglens
