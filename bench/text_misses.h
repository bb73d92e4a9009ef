#pragma once

#include "contact_details.h"
#include "moderation_result.h"
#include "text_photos.h"
#include "text_reader.h"

#include <QString>

#include <map>
#include <memory>

namespace listinglens::cli {

// The digits of `s`, in order.
QString digitsOf(const QString &s);

// What `listinglens-bench text --misses DIR` writes for a person to look at:
// each photo whose drawn text was not read exactly, read again with every
// image given to Tesseract saved beside it, and each missed contact put in
// one class of where the read failed.
class MissReport {
public:
    // Refused as TextReader::open refuses.
    static Result<std::unique_ptr<MissReport>> open(const QString &dir, TextReaderOptions options, const ContactOptions &contacts);

    // One photo whose text was not read exactly; `text` is what the read gave.
    void add(const TextPhoto &photo, const PhotoText &text);
    // The missed contacts by class, on stdout.
    void printSplit() const;

private:
    struct Recognition {
        QRect box; // the line's, in photo pixels
        QString read;
        double confidence = 0;
    };
    MissReport(QString dir, ContactOptions contacts) : m_dir(std::move(dir)), m_contacts(std::move(contacts)) {}

    QString m_dir;
    ContactOptions m_contacts;
    std::unique_ptr<TextReader> m_reader; // its hook fills m_recognitions and writes m_prefix-N.png
    std::vector<Recognition> m_recognitions;
    QString m_prefix;
    std::map<QString, int> m_split; // class of miss -> photos
};

} // namespace listinglens::cli
