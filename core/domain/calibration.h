#pragma once

#include <QJsonValue>
#include <QString>

#include <vector>

namespace listinglens {

// An expected calibration error that was never measured (a head whose
// validation answers had no finite confidence, a stored row whose ECE is
// NULL) is NaN, never 0: 0 would read as a perfectly calibrated head. These
// show it as such wherever an ECE is printed.

// One bin of top-1 confidences: how many answers fell in it, how many of
// them were right, and the sum of their confidences. The head trainer bins
// its validation answers, the store its moderators' decisions (in SQL); both
// score the bins with expectedCalibrationError.
struct ReliabilityBin {
    qint64 count = 0, right = 0;
    double confidence = 0;
};

// Expected calibration error: the sum over the bins of |confidence - right|,
// divided by the answers binned (each bin's |mean confidence - accuracy|
// weighed by its share); NaN when no answer is binned.
double expectedCalibrationError(const std::vector<ReliabilityBin> &bins);

// Three decimals, or "—" when not measured.
QString eceText(double ece);
// The number, or JSON null when not measured.
QJsonValue eceJson(double ece);

} // namespace listinglens
