#include "calibration.h"

#include <cmath>

namespace listinglens {

QString eceText(double ece)
{
    return std::isfinite(ece) ? QString::number(ece, 'f', 3) : QStringLiteral("—");
}

QJsonValue eceJson(double ece)
{
    return std::isfinite(ece) ? QJsonValue(ece) : QJsonValue(QJsonValue::Null);
}

} // namespace listinglens
