//! The credit export (`GET /api/v1/export/credit`): links for regulators.

use domain::t;
use leptos::prelude::*;

use crate::i18n::use_lang;

#[component]
pub(super) fn Export() -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="card" id="export">
            <h2>{t(lang, "reg.tab.export")}</h2>
            <p class="muted">{t(lang, "reg.export.intro")}</p>
            <p class="export-links">
                <a class="button" id="export-ndjson" rel="external" download href="/api/v1/export/credit?format=ndjson">{t(lang, "reg.export.ndjson")}</a>" "
                <a class="button" id="export-csv" rel="external" download href="/api/v1/export/credit?format=csv">{t(lang, "reg.export.csv")}</a>
            </p>
        </div>
    }
}
