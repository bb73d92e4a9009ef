#pragma once

#include "moderation_result.h"

#include <QWidget>

class QLabel;
class QListWidget;
class QHBoxLayout;

namespace listinglens::ui {

// The text moderation read on the photo, for the moderator: contact details
// with their real value (only logs mask them), brands, stock marks, the lines
// read, and model-like tokens offered as a detail for the description
// ("Model number? A2337  [Add]"). "Reading text…" while the lane works on it;
// hidden when moderation is off.
class ModerationBox : public QWidget {
    Q_OBJECT
public:
    explicit ModerationBox(QWidget *parent = nullptr);

    void setModeration(const PhotoModeration &moderation);
    QStringList entries() const; // the rows of the list, as shown
    QString stateText() const;

    // Plain words for a moderation flag ("Contact details"); empty for other flags.
    static QString flagInWords(const QString &flag);

Q_SIGNALS:
    // A detail to add to the description ("Model: A2337").
    void detailOffered(const QString &text);

private:
    QLabel *m_state = nullptr;
    QListWidget *m_list = nullptr;
    QWidget *m_models = nullptr;
    QHBoxLayout *m_modelsLayout = nullptr;
};

} // namespace listinglens::ui
