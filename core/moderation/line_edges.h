#pragma once

#include <opencv2/core/mat.hpp>

namespace listinglens {

// A level line image (8-bit grey, dark letters on a light ground, its
// letters' height with a third of it above and below, no border yet) cut
// short at an edge that crosses it near either end: the rim of a name
// plate, the side of a box or a label beside the words. What lies past the
// edge is painted in the line's ground. Such an edge runs down through the
// letters' height and on into a margin, where no letter goes; OCR reads it
// as a bracket glued to the word beside it ("(RICOHFLEX"), which takes that
// word's confidence to nothing. An edge counts only with ground between it
// and the words: a shadow that takes the first letters in with it stays.
cv::Mat withoutEdgesAtEnds(const cv::Mat &gray);

} // namespace listinglens
