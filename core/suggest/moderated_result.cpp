#include "moderated_result.h"

#include "title_builder.h"

namespace listinglens {

bool isModerationFlag(const QString &flag)
{
    return flag == QLatin1String("contact_details") || flag == QLatin1String("stock_photo_text") || flag == QLatin1String("person_in_photo");
}

QStringList moderationReviewReasons(const QStringList &flags)
{
    QStringList reasons;
    for (const QString &f : flags) {
        if (isModerationFlag(f) && !reasons.contains(f))
            reasons << f;
    }
    return reasons;
}

void completeModeration(PhotoResult &r, ModerationFindings found, bool ok, const SellersSpelling &sellers, const IsCatchAll &isCatchAll)
{
    if (!ok) {
        // Never stored as if moderated: a moderator looks instead.
        r.moderation.state = PhotoModeration::State::Failed;
        if (!r.review.reasons.contains(QLatin1String(kNotModerated)))
            r.review.reasons << QLatin1String(kNotModerated);
        r.review.needed = true;
        return;
    }
    r.moderation.text = std::move(found.text);
    r.moderation.faces = std::move(found.faces);
    if (!found.thumbnail.isEmpty())
        r.thumbnail = std::move(found.thumbnail);
    r.moderation.state = PhotoModeration::State::Done;
    // The title redone with what the photo says: a brand that fits the category, a model read beside it, words sellers write.
    describeWithPhotoText(r, sellers, false, isCatchAll);
    for (const QString &flag : r.moderation.flags()) {
        if (!r.quality.flags.contains(flag))
            r.quality.flags << flag;
    }
    for (const QString &reason : moderationReviewReasons(r.quality.flags)) {
        if (!r.review.reasons.contains(reason))
            r.review.reasons << reason;
    }
    r.review.needed = !r.review.reasons.isEmpty();
    if (r.moderation.text.contacts.size() > 0) {
        const QString hint = QStringLiteral("Remove the contact details written on the photo: buyers reach you through the listing.");
        if (!r.hints.contains(hint))
            r.hints << hint;
    }
}

} // namespace listinglens
