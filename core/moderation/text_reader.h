#pragma once

#include "error.h"
#include "line_finder.h"
#include "moderation_result.h"

#include <QRect>
#include <QStringList>
#include <QString>

#include <opencv2/core/mat.hpp>

#include <functional>
#include <memory>
#include <vector>

namespace listinglens {

struct TextReaderOptions {
    QString languages = QStringLiteral("eng+rus"); // Tesseract language packs, '+'-joined
    QString dataDir;         // tessdata folder; empty: Tesseract's default (Debian: /usr/share/tesseract-ocr/5/tessdata)
    int maxRegions = 8;      // OCR runs on at most this many candidate regions per photo
    double minConfidence = 0.55;
    int minTextHeight = 32;  // lines lower than this (pixels, margin included) are read from a larger decode
    int maxReads = 6;        // Tesseract recognitions per photo at most (a line takes one to four; the most text-like lines go first)
};

// Reads text with Tesseract, only inside the candidate regions. Not
// thread-safe: one reader per thread (Tesseract keeps state per instance).
class TextReader {
public:
    // Refused (ModelError) when Tesseract or a language pack is missing.
    static Result<std::unique_ptr<TextReader>> open(const TextReaderOptions &options = {});
    ~TextReader();

    // `reduced` is the photo decoded at 1/`scale` of its size. When a region's
    // text is too small there, `decodeAt(s)` is asked once for the photo at
    // 1/s (s < scale; an empty Mat when it cannot) and the region read there.
    std::vector<TextLine> read(const cv::Mat &reduced, int scale, const std::function<cv::Mat(int scale)> &decodeAt = {});

    const TextReaderOptions &options() const { return m_options; }

private:
    struct Api;
    explicit TextReader(TextReaderOptions options, std::unique_ptr<Api> api);
    std::vector<TextLine> readRegion(const cv::Mat &image, const cv::RotatedRect &region, int scale);

    TextReaderOptions m_options;
    std::unique_ptr<Api> m_api;
};

} // namespace listinglens
