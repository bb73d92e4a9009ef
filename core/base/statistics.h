#pragma once

#include <utility>
#include <vector>

namespace listinglens {

// Quantile q in [0,1] with linear interpolation between closest ranks
// (numpy's default); 0 for no values.
double quantile(std::vector<double> values, double q);

// Weighted quantile of (value, weight) pairs; pairs without positive weight are ignored.
double weightedQuantile(std::vector<std::pair<double, double>> valueWeights, double q);

} // namespace listinglens
