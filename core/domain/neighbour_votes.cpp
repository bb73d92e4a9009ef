#include "neighbour_votes.h"

#include <cmath>

namespace listinglens {

std::vector<double> neighbourVotes(const std::vector<NeighbourVote> &neighbours, int categories, double power)
{
    std::vector<double> votes(std::size_t(categories > 0 ? categories : 0), 0.0);
    double total = 0;
    for (const NeighbourVote &n : neighbours) {
        if (n.category < 0 || n.category >= categories || !(n.similarity > 0))
            continue;
        const double w = std::pow(n.similarity, power);
        votes[std::size_t(n.category)] += w;
        total += w;
    }
    if (!(total > 0) || !std::isfinite(total))
        return {};
    for (double &v : votes)
        v /= total;
    return votes;
}

} // namespace listinglens
