#pragma once

#include "error.h"
#include "line_finder.h"
#include "moderation_result.h"
#include "text_words.h"

#include <QRect>
#include <QString>

#include <opencv2/core/mat.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace listinglens {

struct TextReaderOptions {
    QString languages = QStringLiteral("eng+rus"); // Tesseract language packs, '+'-joined, the first read first
    QString dataDir;         // tessdata folder; empty: Tesseract's default (Debian: /usr/share/tesseract-ocr/5/tessdata)
    int maxLines = 6;        // lines sent to OCR per photo at most (the most contact-like first)
    double minConfidence = 0.55;
    int maxReads = 8;        // Tesseract recognitions per photo at most (a line takes one, a second when the first read it badly)
    int cpuBudgetMs = 700;   // no recognition starts after this much CPU time on one photo, and one running is stopped 300 ms later
    // Diagnostics (the bench's --misses): called after each recognition with
    // the image Tesseract read, the line's box in photo pixels and every word
    // it read there, kept or not. Empty in the product.
    std::function<void(const cv::Mat &image, const QRect &lineBox, const QString &read, double confidence)> onRecognition;
};

// A candidate line to read: where it lies in an image, and what the search
// saw of it.
struct LineToRead {
    const cv::Mat *image = nullptr; // 8-bit BGR
    cv::RotatedRect box;            // in the image's pixels, margins included
    double scale = 1;               // photo pixels per image pixel
    cv::Vec3f colour;               // its letters' median colour, BGR
    int glyphs = 0;
};

// One photo's allowance, shared by the stages that spend it.
struct ReadBudget {
    const std::atomic_bool *cancel = nullptr;
    double cpuDeadlineMs = 0; // thread CPU time (threadCpuMs()) past which no recognition starts; 0: none
    int readsLeft = 0;
    int recognitions = 0;     // spent
    bool stopped() const;     // cancelled, or past the deadline
};

// The calling thread's CPU time, in ms.
double threadCpuMs();

// Reads lines with Tesseract. Not thread-safe: one reader per thread
// (Tesseract keeps state per instance). The first language is loaded by
// open(); the others when a line first needs them.
class TextReader {
public:
    // Refused (ModelError) when Tesseract or a language pack is missing.
    static Result<std::unique_ptr<TextReader>> open(const TextReaderOptions &options = {});
    ~TextReader();

    // The lines, in order, while the budget lasts; each found line's box is in
    // photo pixels. A line with no word on it (OCR noise such as "S |", "/",
    // "=|") has empty text: only its unsure reads, which analysePhotoText
    // searches for contacts and never shows. `isName`: tokens shown even
    // alone and short (the market's brands; text_words.h).
    std::vector<TextLine> read(const std::vector<LineToRead> &lines, ReadBudget &budget, const IsName &isName = {});

    const TextReaderOptions &options() const { return m_options; }

private:
    struct Api;
    explicit TextReader(TextReaderOptions options, std::unique_ptr<Api> api);
    // One line, read as read() reads each; none when nothing was read or
    // the line is a part of one in readBoxes (each line read, as read).
    std::optional<TextLine> readLine(const LineToRead &line, ReadBudget &budget, std::vector<cv::RotatedRect> &readBoxes,
                                     const IsName &isName);

    // Reads of the line a search's box may have cut (line_images.h's
    // SecondLook), each added to `unsure`, until one holds a contact detail.
    void secondLook(const LineToRead &line, const cv::RotatedRect &box, const char *restricted, QStringList &unsure, ReadBudget &budget);

    TextReaderOptions m_options;
    std::unique_ptr<Api> m_api;
};

} // namespace listinglens
