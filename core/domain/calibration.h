#pragma once

#include <QJsonValue>
#include <QString>

namespace listinglens {

// An expected calibration error that was never measured (a head whose
// validation answers had no finite confidence, a stored row whose ECE is
// NULL) is NaN, never 0: 0 would read as a perfectly calibrated head. These
// show it as such wherever an ECE is printed.

// Three decimals, or "—" when not measured.
QString eceText(double ece);
// The number, or JSON null when not measured.
QJsonValue eceJson(double ece);

} // namespace listinglens
