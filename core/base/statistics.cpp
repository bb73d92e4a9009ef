#include "statistics.h"

#include <algorithm>
#include <cmath>

namespace listinglens {

double quantile(std::vector<double> values, double q)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    // Linear interpolation between closest ranks (numpy's default).
    const double pos = q * double(values.size() - 1);
    const auto lo = std::size_t(std::floor(pos));
    const auto hi = std::min(lo + 1, values.size() - 1);
    return values[lo] + (values[hi] - values[lo]) * (pos - double(lo));
}

double weightedQuantile(std::vector<std::pair<double, double>> valueWeights, double q)
{
    std::erase_if(valueWeights, [](const auto &p) { return !(p.second > 0); });
    if (valueWeights.empty())
        return 0;
    std::sort(valueWeights.begin(), valueWeights.end());
    double total = 0;
    for (const auto &p : valueWeights)
        total += p.second;
    double running = 0;
    for (const auto &p : valueWeights) {
        running += p.second;
        if (running >= q * total)
            return p.first;
    }
    return valueWeights.back().first;
}

} // namespace listinglens
