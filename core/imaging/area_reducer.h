#pragma once

#include <opencv2/core/mat.hpp>

#include <cstdint>
#include <vector>

namespace listinglens {

// Averages an image into one `factor` times smaller on each side while its
// rows arrive in order, holding one output row of sums besides the output:
// a decoder that produces rows one at a time never holds the full image.
// The output is ceil(width / factor) x ceil(height / factor); a block at the
// right or bottom edge averages the pixels it has. With a factor that divides
// the sides, the result is cv::resize(INTER_AREA) of the full image.
class AreaReducer {
public:
    AreaReducer(int width, int height, int factor);

    // The next row, 8-bit BGR.
    void addBgr(const std::uint8_t *bgr);
    // The next row, 8-bit colour and alpha in `order` ({0, 1, 2} for BGRA,
    // {2, 1, 0} for RGBA), composited onto white; `premultiplied` when the
    // colour is already multiplied by alpha (libtiff's and libwebp's output).
    void addWithAlpha(const std::uint8_t *pixels, const int (&order)[3], bool premultiplied);

    int rowsAdded() const { return m_row; }
    // The reduced image, once every row has been added (empty before).
    cv::Mat result() const { return m_row == m_height ? m_out : cv::Mat(); }

private:
    void addBgrPixel(int x, int b, int g, int r);
    void endRow();

    int m_width, m_height, m_factor;
    int m_row = 0;
    std::vector<std::uint64_t> m_sums; // 3 per output pixel of the row being made (a block of factor^2 x 255 passes 32 bits past a factor of 4104)
    cv::Mat m_out;
};

} // namespace listinglens
