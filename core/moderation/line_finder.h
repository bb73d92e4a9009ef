#pragma once

#include <opencv2/core/mat.hpp>
#include <opencv2/core/types.hpp>

#include <vector>

namespace listinglens {

// A candidate line of text: its turned rectangle in the searched image's
// pixels, its letters' median colour and how many letters it chains.
struct FoundLine {
    cv::RotatedRect box;
    cv::Vec3f colour; // its letters' median colour, BGR
    int glyphs = 0;
};

// Candidate lines of text, found cheaply: character-like stable regions
// (MSER) chained into lines of four or more of one height and colour along
// a straight baseline, at any angle up to about 35 degrees (a chain that
// spans two rows, stacked lines on a slant, is split into its rows); most
// letters first, at most maxRegions.
std::vector<FoundLine> findLines(const cv::Mat &bgr, int maxRegions);

// Where the search looks (pixels of the image): for letters brighter or
// darker than their ground, and for letters of another hue at about its
// brightness (as findTextAreas gives them).
struct SearchAreas {
    std::vector<cv::Rect> grey, colour;
    cv::Mat greyImage; // the image given to findTextAreas, in grey, when the gate made it (the search converts no area again); may be empty
};

// The same lines, searched for only within `areas`, of letters as tall as
// on the whole image.
std::vector<FoundLine> findLines(const cv::Mat &bgr, const SearchAreas &areas, int maxRegions);

// The same lines' rectangles only.
std::vector<cv::RotatedRect> findTextRegions(const cv::Mat &bgr, int maxRegions);

} // namespace listinglens
