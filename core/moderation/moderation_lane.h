#pragma once

#include "contact_details.h"
#include "face_detector.h"
#include "moderation_result.h"
#include "photo_reading.h"
#include "task_threads.h"
#include "text_reader.h"
#include "work_queue.h"

#include <QByteArray>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace listinglens {

struct ModerationOptions {
    TextReaderOptions reader;
    ContactOptions contacts;
    // Lane threads, each with its own Tesseract; 0: half the cores, 1 to 8. A
    // photo's text costs more CPU than its suggestion (docs/performance.md,
    // Moderation): one reading thread is what a 2-core machine can spare, but
    // on more cores it would leave the main lane waiting for the last photos'
    // text while cores idle. The threads run at `niceness`, so they take what
    // the main lane leaves.
    int threads = 0;
    // What may wait for the lane: photos, and the bytes they hold (the decode
    // the lane reads, reduced by moderationInput, and the photo's file bytes for
    // a larger decode of small text). Past either, submit() waits for room
    // and offer() makes room fairly (see ModerationLane).
    int queueLimit = 64;
    qint64 queueBytes = 192LL * 1024 * 1024;
    int niceness = 10;     // the lane's threads yield the CPU to the main lane (Linux nice, 0..19)
};

// What the lane found on one photo.
struct ModerationFindings {
    PhotoText text;
    std::vector<QRect> faces;
    QByteArray thumbnail; // JPEG, faces blurred, when asked for
};

// Faces on a photo and the thumbnail stored of it: at most `side` long
// (none when 0), the faces blurred. The one way a thumbnail is made, by the
// lane, or while preparing a photo when no lane reads it. No faces are
// looked for without a detector (its cascade could not be loaded).
struct FacesSeen {
    std::vector<QRect> faces; // photo pixels
    QByteArray thumbnail;     // JPEG
};
FacesSeen findFacesAndThumbnail(const FaceDetector *detector, const LoadedImage &decoded, int side);

// The moderation lane: OCR and what follows from it, off the main lane.
// Results come first without text (PhotoModeration::State::Pending) and are
// completed when the lane gets to them. Photos wait in one WorkQueue,
// bounded by count and bytes and fair across keys: keys take turns, and
// offer() lets a key's flood push out only its own photos. A photo is never
// dropped without its `done` saying so (ok false): whoever submitted it then
// marks it as not moderated.
//
// Threads: submit(), offer(), waitIdle() and helpUntilIdle() from any thread;
// `done` runs once per photo on the lane's threads (at a lower priority than
// the caller's), or on the thread of helpUntilIdle() that read it, or, for a
// photo offer() could not keep, on the offering thread, or when the lane is
// destroyed with photos still queued (those are reported as not read).
class ModerationLane {
public:
    using Done = std::function<void(ModerationFindings found, bool ok)>;

    // Refused when Tesseract or a language pack is missing.
    static Result<std::unique_ptr<ModerationLane>> open(const ModerationOptions &options);
    ~ModerationLane();

    // Waits for room (the window, classify: every photo is read; the main
    // lane slows to the lane's pace when it must).
    void submit(ModerationInput input, Done done);
    // Never waits (the services: the main lane keeps its speed). Past the
    // bounds, the photo takes the place of the newest photo of the key that
    // holds the most, if that is another key; that photo, or this one when
    // its own key holds the most, is reported not read at once.
    void offer(ModerationInput input, Done done);
    // Whether a photo of about `bytes` would be taken now without waiting or pushing one out.
    bool hasRoom(qint64 bytes = 0) const { return m_jobs.hasRoom(bytes); }
    // Blocks until every photo submitted so far has been reported.
    void waitIdle();
    // The same, reading queued photos on the calling thread meanwhile (at its
    // own priority, with a Tesseract of its own, opened once) when more wait
    // than the lane has threads: a caller that has nothing else to do never
    // waits longer than the lane needs, and opens no Tesseract for a photo a
    // lane thread takes next.
    void helpUntilIdle();

    const ModerationOptions &options() const { return m_options; }

private:
    struct Job {
        ModerationInput input;
        Done done;
    };
    explicit ModerationLane(ModerationOptions options);
    void enqueue(Job &job, bool wait);
    void read(TextReader &reader, Job &job);
    void finished();

    ModerationOptions m_options;
    std::unique_ptr<FaceDetector> m_faces; // null: the cascade could not be loaded (faces are not looked for)
    WorkQueue<Job> m_jobs;
    std::mutex m_mutex;
    std::condition_variable m_idle;
    int m_unreported = 0; // submitted and not yet reported, under m_mutex
    std::vector<std::unique_ptr<TextReader>> m_readers;
    std::mutex m_helperMutex; // one helper at a time reads with the helper's Tesseract
    std::unique_ptr<TextReader> m_helperReader;
    TaskThreads m_threads;
};

} // namespace listinglens
