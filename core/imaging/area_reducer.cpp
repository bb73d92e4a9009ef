#include "area_reducer.h"

#include <algorithm>

namespace listinglens {

AreaReducer::AreaReducer(int width, int height, int factor)
    : m_width(width), m_height(height), m_factor(std::max(1, factor))
{
    const int w = (width + m_factor - 1) / m_factor, h = (height + m_factor - 1) / m_factor;
    m_sums.assign(std::size_t(w) * 3, 0);
    m_out.create(h, w, CV_8UC3);
}

inline void AreaReducer::addBgrPixel(int x, int b, int g, int r)
{
    std::uint64_t *s = m_sums.data() + std::size_t(x / m_factor) * 3;
    s[0] += std::uint64_t(b);
    s[1] += std::uint64_t(g);
    s[2] += std::uint64_t(r);
}

void AreaReducer::addBgr(const std::uint8_t *bgr)
{
    if (m_row >= m_height)
        return;
    if (m_factor == 1) {
        std::copy(bgr, bgr + std::size_t(m_width) * 3, m_out.ptr<std::uint8_t>(m_row));
    } else {
        for (int x = 0; x < m_width; ++x, bgr += 3)
            addBgrPixel(x, bgr[0], bgr[1], bgr[2]);
    }
    endRow();
}

void AreaReducer::addWithAlpha(const std::uint8_t *p, const int (&order)[3], bool premultiplied)
{
    if (m_row >= m_height)
        return;
    // As ImageLoader composites a full decode: (v * a + 255 * (255 - a) + 127) / 255.
    const auto onWhite = [premultiplied](int v, int a) {
        return premultiplied ? std::min(255, v + 255 - a) : (v * a + 255 * (255 - a) + 127) / 255;
    };
    if (m_factor == 1) {
        std::uint8_t *out = m_out.ptr<std::uint8_t>(m_row);
        for (int x = 0; x < m_width; ++x, p += 4, out += 3) {
            for (int c = 0; c < 3; ++c)
                out[c] = std::uint8_t(onWhite(p[order[c]], p[3]));
        }
    } else {
        for (int x = 0; x < m_width; ++x, p += 4)
            addBgrPixel(x, onWhite(p[order[0]], p[3]), onWhite(p[order[1]], p[3]), onWhite(p[order[2]], p[3]));
    }
    endRow();
}

void AreaReducer::endRow()
{
    ++m_row;
    if (m_factor == 1 || (m_row % m_factor != 0 && m_row != m_height))
        return;
    const int y = (m_row - 1) / m_factor;
    const int rows = m_row - y * m_factor;
    std::uint8_t *out = m_out.ptr<std::uint8_t>(y);
    for (int x = 0; x < m_out.cols; ++x) {
        const int cols = std::min(m_factor, m_width - x * m_factor);
        const std::uint64_t n = std::uint64_t(cols) * std::uint64_t(rows);
        for (int c = 0; c < 3; ++c) {
            std::uint64_t &s = m_sums[std::size_t(x) * 3 + c];
            out[x * 3 + c] = std::uint8_t((s + n / 2) / n);
            s = 0;
        }
    }
}

} // namespace listinglens
