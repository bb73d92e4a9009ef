#pragma once

#include "contact_details.h"
#include "face_detector.h"
#include "moderation_result.h"
#include "photo_reading.h"
#include "text_reader.h"

#include <QByteArray>

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace listinglens {

struct ModerationOptions {
    TextReaderOptions reader;
    ContactOptions contacts;
    int threads = 1;       // lane threads, each with its own Tesseract
    int queueLimit = 64;   // photos waiting (each holds its decode and bytes)
    // Beyond queueLimit: false, submit() waits for room (classify, the
    // workbench: every photo is read, the main lane slows to the lane's
    // pace); true, the photo is not read and reported skipped at once (the
    // services: the main lane keeps its speed under any load).
    bool skipWhenFull = false;
    int niceness = 10;     // the lane's threads yield the CPU to the main lane (Linux nice, 0..19)
};

// What the lane found on one photo.
struct ModerationFindings {
    PhotoText text;
    std::vector<QRect> faces;
    QByteArray thumbnail; // JPEG, faces blurred, when asked for
    bool skipped = false; // not read: the lane was full (ModerationOptions::skipWhenFull)
};

// The moderation lane: OCR and what follows from it, off the main lane.
// Results come first without text (PhotoModeration::State::Pending) and are
// completed when the lane gets to them.
//
// Threads: submit() and waitIdle() from any thread; `done` runs on one of
// the lane's own threads (at a lower priority than the caller's), once per
// submitted photo, also when the lane is destroyed with photos still queued
// (those are reported as not read: ok false).
class ModerationLane {
public:
    using Done = std::function<void(ModerationFindings found, bool ok)>;

    // Refused when Tesseract or a language pack is missing.
    static Result<std::unique_ptr<ModerationLane>> open(const ModerationOptions &options);
    ~ModerationLane();

    void submit(ModerationInput input, Done done);
    // Blocks until every photo submitted so far has been reported.
    void waitIdle();

    const ModerationOptions &options() const { return m_options; }

private:
    struct Job {
        ModerationInput input;
        Done done;
    };
    explicit ModerationLane(ModerationOptions options);
    void work(TextReader &reader);

    ModerationOptions m_options;
    std::unique_ptr<FaceDetector> m_faces; // null: the cascade could not be loaded (faces are not looked for)
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<Job> m_jobs;
    int m_busy = 0;
    bool m_stopping = false;
    std::vector<std::unique_ptr<TextReader>> m_readers;
    std::vector<std::thread> m_threads;
};

} // namespace listinglens
