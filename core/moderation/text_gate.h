#pragma once

#include "line_finder.h"

#include <opencv2/core/mat.hpp>

#include <vector>

namespace listinglens {

// The lane's first stage: where on a photo text could be, found cheaply
// (a few milliseconds on a 640 px image) before the search for lines, which
// then looks only there. A letter is a thin shape (strokes narrower than a
// sixth of the largest letter's height) standing out from its ground, and
// letters come in rows: four or more of about one height, side by side
// within about 35 degrees of level. Texture (grain, fabric, grass, wood)
// has edges everywhere but seldom such rows. Thin shapes of brightness
// (the top-hat and black-hat of grey) say where dark or light letters could
// be; of two colour axes, where coloured ones at their ground's brightness
// could. Each row's box, padded by its tallest letter (the search's regions
// need their ground), is an area; areas that touch make one. Letters far
// brighter or darker than their ground are looked for again at a higher
// step (their blur joins a name plate's rim at the faint one), in level
// rows of six or more of one height.
struct TextAreas {
    SearchAreas search; // pixels of the image looked at; both empty: no text can be there
    double share = 0;   // the part of the search's work left, 0..1 (three passes: one of brightness, two of colour)
};

// `bgr`: 8-bit BGR, the image the lines are searched for on.
TextAreas findTextAreas(const cv::Mat &bgr);

} // namespace listinglens
