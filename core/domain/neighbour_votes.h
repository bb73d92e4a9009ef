#pragma once

#include <utility>
#include <vector>

namespace listinglens {

// The categories of a photo's closest confirmed listings as evidence for its
// own: each neighbour votes for its confirmed category with weight
// similarity^power (a negative similarity votes nothing), and the votes are
// normalised into a distribution over `categories`. Empty when no neighbour
// carries weight (no confirmed listings yet): the caller then has no evidence.
// A category head mixes this with its own distribution (CategoryHead,
// neighbourShare); training fits k, power and the share (learn/neighbour_mix.h).
struct NeighbourVote {
    int category = -1;     // index into the taxonomy's categories
    double similarity = 0; // cosine
};

std::vector<double> neighbourVotes(const std::vector<NeighbourVote> &neighbours, int categories, double power);

} // namespace listinglens
