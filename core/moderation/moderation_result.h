#pragma once

#include "contact_details.h"

#include <QMetaType>
#include <QRect>
#include <QString>
#include <QStringList>

#include <vector>

// What moderation found on one photo, as plain values (no OpenCV or
// Tesseract types): the text read, the contact details and stock marks in
// it, brands and model-like tokens, and faces. Boxes are in the photo's own
// pixels as it is shown (orientation applied, full size).
namespace listinglens {

// A line of text read off a photo.
struct TextLine {
    QString text;
    QRect box;
    double confidence = 0; // 0..1, Tesseract's mean word confidence over the words kept
    // Every word of the line's other reads (other images, languages) and the
    // words read too unsurely to keep: never shown, searched for contact
    // details that can only be possible ones (a read that lost or bent a
    // character of a number or an address).
    QStringList unsureReads;
};

struct FoundContact {
    ContactDetail detail;
    QRect box; // the part of its line's box it takes
};

// A brand from the market's brand list, read on the photo.
struct FoundBrand {
    QString name;       // as the list spells it ("Samsung")
    QString categoryId; // the category the list ties it to, when it does (a hint, not a decision)
    QRect box;          // its line's box
};

struct PhotoText {
    std::vector<TextLine> lines;
    std::vector<FoundContact> contacts;
    QStringList stockMarks; // "shutterstock", "©"...
    std::vector<FoundBrand> brands;
    QStringList models; // model-like tokens ("A2337", "WH-1000XM4"): offered as a detail, never asserted

    // contact_details and/or stock_photo_text, for quality.flags.
    QStringList flags() const;
};

struct PhotoModeration {
    // Off: not asked for. Pending: the main result is out and the moderation
    // lane has not finished with the photo yet. Done: text and faces are in.
    // Failed: the photo was not read (the lane failed on it, could not take
    // it, or stopped with it): the result stands without it and asks for
    // review ("not_moderated"). Skipped: rows of older versions, which let a
    // full lane pass photos by; nothing marks a photo so now.
    enum class State { Off, Pending, Done, Failed, Skipped };
    State state = State::Off;
    PhotoText text;
    std::vector<QRect> faces;

    // The moderation flags: contact_details, stock_photo_text, person_in_photo.
    QStringList flags() const;
};

QString moderationStateName(PhotoModeration::State state); // off, pending, done, failed, skipped
PhotoModeration::State moderationStateFromName(const QString &name); // Off for anything else

} // namespace listinglens

Q_DECLARE_METATYPE(listinglens::PhotoModeration)
