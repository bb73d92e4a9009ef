#pragma once

#include <opencv2/core/mat.hpp>

#include <vector>

namespace listinglens {

// One 8-connected component of a map's pixels at or above a level.
struct LevelComponent {
    cv::Rect box;
    int area = 0; // pixels

    bool operator==(const LevelComponent &) const = default;
};

// The 8-connected components of the pixels of `map` (8-bit, one channel) at
// or above `level`, their boxes and areas, in the order in which
// cv::connectedComponentsWithStats labels them on the same pixels thresholded
// (by the first 2 x 2 block of pixels each one touches, blocks in raster
// order): code that keeps the first n of them keeps the same ones.
//
// Why not that function: it labels every pixel and adds every pixel, the
// ground's too, to its label's statistics (about 24 instructions a pixel on
// a 500 x 375 map, most of the text gate's time). This follows runs of
// pixels row by row, so the ground costs a compare per pixel (sixteen at a
// time) and each run one union, and it needs no label image.
std::vector<LevelComponent> levelComponents(const cv::Mat &map, int level);

} // namespace listinglens
