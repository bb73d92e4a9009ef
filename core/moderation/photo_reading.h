#pragma once

#include "brand_list.h"
#include "contact_details.h"
#include "image_loader.h"
#include "moderation_result.h"
#include "text_reader.h"

#include <QByteArray>

#include <atomic>

namespace listinglens {

// What bounds one photo's read, whatever the photo: the read never holds or
// decodes an image of more than maxPixels (a 4 MP BGR image is 12 MB), and
// searches for lines on one of at most searchSide pixels a side.
// The loader decodes PNG, WebP and TIFF reduced to the largest picture the
// read uses (LoadLimits::maxReducedPixels): the two are one number.
struct ReadLimits {
    qint64 maxPixels = LoadLimits{}.maxReducedPixels;
    int searchSide = 640;
};

// What the lane reads: the photo as the model's decode saw it, reduced to
// at most ReadLimits::maxPixels, and a JPEG's bytes for a larger decode of
// small text (other formats keep no bytes: their reduced decode is the
// largest image the read uses).
struct ModerationInput {
    LoadedImage decoded;
    QByteArray bytes;
    int thumbnailSide = 0; // > 0: make the stored thumbnail, faces blurred
    QString key{};         // whose photo (an API key): the lane takes keys in turn

    // The memory it holds: the decode and the bytes (a queue's accounting).
    qint64 byteSize() const;
};

// The lane's input from the main lane's decode: a decode of more than
// limits.maxPixels (one made with LoadLimits other than the defaults) is
// reduced by a whole factor to fit, so that a queued photo holds at most
// about 12 MB of pixels and its bytes. Call it before queueing.
ModerationInput moderationInput(LoadedImage decoded, QByteArray bytes, int thumbnailSide = 0, const ReadLimits &limits = {});

// Where one read's time went (CPU time of the reading thread, ms) and what
// it did: the bench reports it, tests assert it.
struct ReadCosts {
    double gateMs = 0;    // where text could be (findTextAreas)
    double gateShare = 0; // the part of the search's work it left, 0..1
    double searchMs = 0;  // the search image made and its candidate lines found there
    double decodeMs = 0; // a larger decode for small text
    double ocrMs = 0;    // Tesseract, line images included
    double parseMs = 0;  // contacts, stock marks, brands
    int candidates = 0;  // candidate lines found
    int linesRead = 0;   // lines sent to OCR
    int recognitions = 0;
    qint64 largestPixels = 0; // the largest image the read decoded or made
    bool cancelled = false;
};

// How a read is steered from outside: a cancel flag (checked between lines
// and inside each recognition) and where to put its costs.
struct ReadControl {
    const std::atomic_bool *cancel = nullptr;
    ReadCosts *costs = nullptr;
};

// The photo decoded at 1/scale, orientation applied, within 256 MB and one
// second (the decoder's budget); empty when it cannot be (not a JPEG, or
// past its budget: the read goes on with the smaller image).
cv::Mat largerDecode(const ModerationInput &input, int scale);

// The image a read searches for lines on (photo pixels per its pixel in
// `scale`), where text could be on it (findTextAreas) and the candidate
// lines found there, most letters first.
struct SearchedLines {
    cv::Mat image;
    double scale = 1;
    std::vector<FoundLine> lines;
    SearchAreas areas; // where the gate let the search look
};
SearchedLines searchLines(const ModerationInput &input, const ReadLimits &limits = {});

// Text, contacts, stock marks and brands of one photo, on the calling
// thread, as the lane reads them; boxes kept on the photo. Bounded in
// memory by ReadLimits (an input that is not yet reduced is reduced here)
// and in time by TextReaderOptions; a cancelled read returns what it had.
PhotoText readPhotoText(TextReader &reader, const ModerationInput &input, const ContactOptions &contacts,
                        const BrandList &brands = BrandList::builtin(), const ReadControl &control = {});

} // namespace listinglens
