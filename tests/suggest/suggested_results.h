#pragma once
// Results as the suggestion leaves them, for the title tests.
#include "photo_result.h"
#include "title_builder.h"

#include <QStringList>

namespace listinglens::testing {

// A result as suggested (no photo text yet), with `words` as its title.
inline PhotoResult suggested(const QString &categoryId, const QVector<TitleWord> &words)
{
    PhotoResult r;
    r.category.id = categoryId;
    r.titleWords = words;
    r.title = TitleBuilder::render(words);
    r.titleBasis = TitleBuilder::basisOf(words);
    r.moderation.state = PhotoModeration::State::Pending;
    return r;
}

// Where each of the title's words comes from, in order.
inline QStringList froms(const QVector<TitleWord> &words)
{
    QStringList out;
    for (const TitleWord &w : words)
        out << w.from;
    return out;
}

} // namespace listinglens::testing
