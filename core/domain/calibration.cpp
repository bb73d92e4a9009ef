#include "calibration.h"

#include <cmath>
#include <limits>

namespace listinglens {

double expectedCalibrationError(const std::vector<ReliabilityBin> &bins)
{
    qint64 binned = 0;
    for (const ReliabilityBin &b : bins)
        binned += b.count;
    if (binned == 0)
        return std::numeric_limits<double>::quiet_NaN();
    double ece = 0;
    for (const ReliabilityBin &b : bins)
        ece += std::abs(b.confidence - double(b.right)) / double(binned);
    return ece;
}

QString eceText(double ece)
{
    return std::isfinite(ece) ? QString::number(ece, 'f', 3) : QStringLiteral("—");
}

QJsonValue eceJson(double ece)
{
    return std::isfinite(ece) ? QJsonValue(ece) : QJsonValue(QJsonValue::Null);
}

} // namespace listinglens
