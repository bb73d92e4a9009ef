#include "moderation_box.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace listinglens::ui {

namespace {

constexpr int kMaxModels = 3; // offered at most; the rest are in the lines read

QString kindInWords(ContactDetail::Kind kind)
{
    switch (kind) {
    case ContactDetail::Kind::Phone: return ModerationBox::tr("Phone");
    case ContactDetail::Kind::Email: return ModerationBox::tr("E-mail");
    case ContactDetail::Kind::Url: return ModerationBox::tr("Web address");
    case ContactDetail::Kind::Handle: return ModerationBox::tr("Handle");
    case ContactDetail::Kind::Messenger: return ModerationBox::tr("Messenger");
    }
    return {};
}

} // namespace

ModerationBox::ModerationBox(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("moderationBox"));
    auto *l = new QVBoxLayout(this);
    l->setContentsMargins(0, 0, 0, 0);
    l->setSpacing(2);
    m_state = new QLabel;
    m_state->setObjectName(QStringLiteral("moderationState"));
    m_state->setEnabled(false); // quiet
    m_list = new QListWidget;
    m_list->setObjectName(QStringLiteral("moderationText"));
    m_list->setFocusPolicy(Qt::ClickFocus);
    m_list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_list->setTextElideMode(Qt::ElideRight);
    m_list->setMaximumHeight(m_list->fontMetrics().lineSpacing() * 3 + 10);
    m_models = new QWidget;
    m_modelsLayout = new QHBoxLayout(m_models);
    m_modelsLayout->setContentsMargins(0, 0, 0, 0);
    l->addWidget(m_state);
    l->addWidget(m_list);
    l->addWidget(m_models);
    setModeration({});
}

QString ModerationBox::flagInWords(const QString &flag)
{
    if (flag == QLatin1String("contact_details"))
        return tr("Contact details");
    if (flag == QLatin1String("stock_photo_text"))
        return tr("Stock photo text");
    if (flag == QLatin1String("person_in_photo"))
        return tr("Person in photo");
    return {};
}

void ModerationBox::setModeration(const PhotoModeration &m)
{
    m_list->clear();
    QLayoutItem *child;
    while ((child = m_modelsLayout->takeAt(0))) {
        delete child->widget();
        delete child;
    }
    setVisible(m.state != PhotoModeration::State::Off);
    m_list->hide();
    m_models->hide();
    switch (m.state) {
    case PhotoModeration::State::Off: return;
    case PhotoModeration::State::Pending: m_state->setText(tr("Reading text…")); return;
    case PhotoModeration::State::Failed: m_state->setText(tr("The text on this photo could not be read.")); return;
    case PhotoModeration::State::Skipped: m_state->setText(tr("This photo's text was never read: it needs review.")); return;
    case PhotoModeration::State::Done: break;
    }
    // The moderator sees the real values; logs mask them.
    auto add = [this](const QString &text, const QString &colour) {
        auto *row = new QListWidgetItem(text);
        row->setToolTip(text);
        if (!colour.isEmpty())
            row->setForeground(QColor(colour));
        m_list->addItem(row);
    };
    for (const FoundContact &c : m.text.contacts)
        add(tr("%1: %2").arg(kindInWords(c.detail.kind), c.detail.display.isEmpty() ? c.detail.value : c.detail.display),
            QStringLiteral("#c0392b"));
    for (const QString &mark : m.text.stockMarks)
        add(tr("Stock mark: %1").arg(mark), QStringLiteral("#c0392b"));
    for (const FoundBrand &b : m.text.brands)
        add(tr("Brand: %1").arg(b.name), QStringLiteral("#1f6fe5"));
    for (const TextLine &line : m.text.lines)
        add(tr("“%1”").arg(line.text.simplified()), {});
    const int faces = int(m.faces.size());
    QStringList found;
    const int lines = int(m.text.lines.size());
    if (lines > 0)
        found << (lines == 1 ? tr("1 line of text") : tr("%1 lines of text").arg(lines));
    if (faces > 0)
        found << (faces == 1 ? tr("1 face") : tr("%1 faces").arg(faces));
    m_state->setText(found.isEmpty() ? tr("No text or faces on the photo") : tr("Found %1 (T shows the boxes)").arg(found.join(tr(", "))));
    m_list->setVisible(m_list->count() > 0);

    int offered = 0;
    for (const QString &model : m.text.models) {
        if (offered++ == kMaxModels)
            break;
        auto *label = new QLabel(tr("Model number? <b>%1</b>").arg(model.toHtmlEscaped()));
        auto *addButton = new QPushButton(tr("Add to description"));
        addButton->setObjectName(QStringLiteral("addModel"));
        addButton->setFocusPolicy(Qt::TabFocus);
        connect(addButton, &QPushButton::clicked, this, [this, model] { Q_EMIT detailOffered(tr("Model: %1").arg(model)); });
        m_modelsLayout->addWidget(label);
        m_modelsLayout->addWidget(addButton);
    }
    m_modelsLayout->addStretch();
    m_models->setVisible(offered > 0);
}

QStringList ModerationBox::entries() const
{
    QStringList rows;
    for (int r = 0; r < m_list->count(); ++r)
        rows << m_list->item(r)->text();
    return rows;
}

QString ModerationBox::stateText() const
{
    return m_state->text();
}

} // namespace listinglens::ui
