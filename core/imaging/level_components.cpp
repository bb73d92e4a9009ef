#include "level_components.h"

#include <opencv2/core.hpp>

#include <algorithm>
#include <cstdint>
#include <bit>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace listinglens {

namespace {

// A run of pixels at or above the level in one row, [x0, x1), and the
// provisional component it joined.
struct Run {
    int x0 = 0, x1 = 0;
    int part = -1;
};

// A provisional component: the runs that joined it before it met another.
// `first` orders components as cv::connectedComponentsWithStats labels them:
// its 2 x 2 block-based labelling gives each component the next label at
// the first block (rows 2k and 2k + 1, columns 2j and 2j + 1) that holds one
// of its pixels, and every pixel of a block is 8-connected to the others, so
// a block belongs to one component at most and no two components share it.
struct Part {
    int left = 0, top = 0, right = 0, bottom = 0; // inclusive
    std::int64_t area = 0;
    std::int64_t first = 0; // (row / 2) * (columns / 2 + 1) + column / 2 of its first block
    int parent = 0;
};

int rootOf(std::vector<Part> &parts, int i)
{
    while (parts[std::size_t(i)].parent != i) {
        const int up = parts[std::size_t(parts[std::size_t(i)].parent)].parent;
        parts[std::size_t(i)].parent = up;
        i = up;
    }
    return i;
}

// The first column at or after x whose pixel is at or above the level; `cols` when none.
int nextAtLevel(const uchar *row, int x, int cols, uchar level)
{
#if defined(__SSE2__)
    // Sixteen pixels at a time: max(p, level) == p exactly where p >= level.
    const __m128i l = _mm_set1_epi8(char(level));
    for (; x + 16 <= cols; x += 16) {
        const __m128i p = _mm_loadu_si128(reinterpret_cast<const __m128i *>(row + x));
        if (const int on = _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_max_epu8(p, l), p)); on != 0)
            return x + std::countr_zero(unsigned(on));
    }
#endif
    while (x < cols && row[x] < level)
        ++x;
    return x;
}

} // namespace

std::vector<LevelComponent> levelComponents(const cv::Mat &map, int level)
{
    CV_Assert(map.type() == CV_8UC1);
    std::vector<LevelComponent> out;
    if (map.empty() || level > 255)
        return out;
    const uchar lv = uchar(std::max(0, level));
    const std::int64_t blocksAcross = map.cols / 2 + 1;
    std::vector<Run> prev, cur;
    std::vector<Part> parts;
    for (int y = 0; y < map.rows; ++y) {
        const uchar *row = map.ptr<uchar>(y);
        cur.clear();
        for (int x = nextAtLevel(row, 0, map.cols, lv); x < map.cols; x = nextAtLevel(row, x, map.cols, lv)) {
            const int x0 = x;
            while (x < map.cols && row[x] >= lv)
                ++x;
            cur.push_back({x0, x, -1});
        }
        // Runs of the row above that touch a run, diagonally too: its
        // columns reach one past each end of the other's.
        std::size_t j = 0;
        for (Run &r : cur) {
            while (j < prev.size() && prev[j].x1 < r.x0)
                ++j;
            for (std::size_t k = j; k < prev.size() && prev[k].x0 <= r.x1; ++k) {
                const int above = rootOf(parts, prev[k].part);
                if (r.part < 0) {
                    r.part = above;
                } else if (const int mine = rootOf(parts, r.part); mine != above) {
                    parts[std::size_t(std::max(mine, above))].parent = std::min(mine, above);
                    r.part = std::min(mine, above);
                }
            }
            const std::int64_t first = std::int64_t(y / 2) * blocksAcross + r.x0 / 2;
            if (r.part < 0) {
                r.part = int(parts.size());
                parts.push_back({r.x0, y, r.x1 - 1, y, r.x1 - r.x0, first, r.part});
                continue;
            }
            // Added to the part the run first met; parts are summed into their roots at the end.
            Part &p = parts[std::size_t(r.part)];
            p.left = std::min(p.left, r.x0);
            p.right = std::max(p.right, r.x1 - 1);
            p.top = std::min(p.top, y);
            p.bottom = std::max(p.bottom, y);
            p.area += r.x1 - r.x0;
            p.first = std::min(p.first, first);
        }
        std::swap(prev, cur);
    }
    // Each part into its root, roots in label order.
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const auto root = std::size_t(rootOf(parts, int(i)));
        if (root == i)
            continue;
        Part &r = parts[root];
        const Part &p = parts[i];
        r.left = std::min(r.left, p.left);
        r.right = std::max(r.right, p.right);
        r.top = std::min(r.top, p.top);
        r.bottom = std::max(r.bottom, p.bottom);
        r.area += p.area;
        r.first = std::min(r.first, p.first);
    }
    std::vector<int> roots;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (parts[i].parent == int(i))
            roots.push_back(int(i));
    }
    std::sort(roots.begin(), roots.end(), [&](int a, int b) { return parts[std::size_t(a)].first < parts[std::size_t(b)].first; });
    out.reserve(roots.size());
    for (const int i : roots) {
        const Part &p = parts[std::size_t(i)];
        out.push_back({cv::Rect(p.left, p.top, p.right - p.left + 1, p.bottom - p.top + 1), int(p.area)});
    }
    return out;
}

} // namespace listinglens
