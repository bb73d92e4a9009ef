#pragma once

#include "line_finder.h"

#include <opencv2/core/mat.hpp>

#include <vector>

namespace listinglens {

// The lane's first stage: where on a photo text could be, found cheaply
// (a millisecond or two on a 640 px image) before the search for lines,
// which then looks only there. A letter has sharp edges round its strokes:
// a cell of the image with too few edges (sky, a wall, a backdrop, a smooth
// surface, a blurred background) cannot hold one. Edges of brightness say
// where dark or light letters could be; edges of hue at one brightness
// (Lab's colour axes, as the search sees them) where coloured ones could.
// Two cells round such cells are kept too (a letter's margin and enough of
// its ground that the search finds the letter as on the whole image, a large
// letter's flat middle); cells that touch make one area.
struct TextAreas {
    SearchAreas search; // pixels of the image looked at; both empty: no text can be there
    double share = 0;   // the part of the search's work left, 0..1 (three passes: one of brightness, two of colour)
};

// `bgr`: 8-bit BGR, the image the lines are searched for on.
TextAreas findTextAreas(const cv::Mat &bgr);

} // namespace listinglens
