#pragma once

#include "contact_samples.h"
#include "error.h"

#include <QString>
#include <QStringList>

#include <opencv2/core/mat.hpp>

#include <random>

namespace listinglens {

// How the text benchmark writes a sample onto a photo. The tuned-on family
// uses OpenCV's Hershey fonts and Debian's DejaVu, Liberation, FreeFont and
// Oxygen; the unseen family other Debian fonts (Roboto, Open Sans, Lato,
// Carlito, Comic Neue, League Spartan, Roboto Slab, Quicksand and URW's
// base 35) and other layouts, sizes and colours; the wide family fonts of
// neither (ParaType's PT, Cantarell, Hack, Go, Dosis, Croscore, Lobster,
// Yanone Kaffeesatz, light weights) and layouts of its own.
struct TextDrawing {
    QString layout; // plain, boxed, shadow (tune); banner, across, sentence, outline, sticker, label (unseen);
                    // screen, tinted, small, steep, advert (wide)
    QString font;   // the font file's name, or hershey-N
    cv::Rect box;   // where the text went, in the photo's pixels (empty: it did not fit)
    double angle = 0;     // degrees it was turned by
    int letterHeight = 0; // its capitals' height, pixels
    bool lightText = false; // lighter than the ground about it (light on dark)
};

// The font files of a family, found under /usr/share/fonts; an error names
// the Debian packages to install when one is missing.
Result<QStringList> sampleFonts(SampleFamily family);

// Writes `sample` onto `img` (8-bit BGR) at a size, angle, colour and place
// drawn from rng, in a layout of its family; what was used goes to `drawn`.
void drawSample(cv::Mat &img, const ContactSample &sample, SampleFamily family, const QStringList &fonts, std::mt19937 &rng,
                TextDrawing &drawn);

} // namespace listinglens
