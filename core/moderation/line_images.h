#pragma once

#include <opencv2/core/mat.hpp>
#include <opencv2/core/types.hpp>

namespace listinglens {

// A line cut out of an image and turned level, a character longer at each
// end than its box (the ends of a line are where the search most often loses
// a character); 8-bit BGR, empty when the box is degenerate or too large.
cv::Mat levelLine(const cv::Mat &image, const cv::RotatedRect &box);

// The box lengthened at either end while strokes of the letters' colour go
// on along it, across gaps narrower than a letter's height, by kMaxReach
// letter heights at most: the search loses the end of a line where it
// crosses a busy ground or another object ("050 154" of "050 154 5351").
// The box as it was when nothing of its letters lies beyond it.
cv::RotatedRect lineAlongLetters(const cv::Mat &image, const cv::RotatedRect &box, const cv::Vec3f &letters);
constexpr float kMaxReach = 8;

// The letters' colour on a level line: of the line's three main colours
// (k-means), the one farthest from the ground's (the colour the margins above
// and below the letters hold most).
cv::Vec3f lettersColour(const cv::Mat &bgrLine);

// Each pixel's distance from the letters' colour, so the letters are dark
// and any ground, lighter or darker, is light.
cv::Mat colourDistanceImage(const cv::Mat &bgrLine, const cv::Vec3f &colour);

// One grey channel along the colour axis that separates the text from what
// is behind it (red on grey tiles is faint in plain luminance), dark text on
// a light ground.
cv::Mat contrastImage(const cv::Mat &bgrLine);

// Whether one threshold for the whole of a line image (Otsu's: dark text
// on a light ground) would make most of it dark. Text is never most of a
// line's pixels: the ground went dark with the letters, where patches of it
// near the letters' colour stayed grey (a pattern, stripes, a shadow), and
// Tesseract's global threshold reads nothing there; its local one
// (Sauvola's) reads the letters.
bool groundDarkensAtOneThreshold(const cv::Mat &grayLine);

// A second look at a line whose reads came near a contact detail (digits,
// an @, a domain) and made none: its box half as tall again, since the
// search's box may cut the letters' feet or tops where a shadow or a busy
// ground above or below moved it. By the
// letters' colour, or along the colour axis (outlined letters, whose
// outline the k-means took for the letters' colour).
enum class SecondLook { ColourDistance, Contrast };
cv::Mat secondLookImage(const cv::Mat &image, const cv::RotatedRect &box, const cv::Vec3f &letters, SecondLook look);

// The height Tesseract's LSTM reads best at: lines are scaled to it.
constexpr int kReadHeight = 48;

} // namespace listinglens
