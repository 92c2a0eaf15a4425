//! The regulators' exports: merchant credit (`GET /api/v1/export/credit`),
//! cases and public complaint records (`GET /api/v1/regulator/export/…`).
//! Plain links and GET forms straight to the API, which reads the session
//! cookie: the browser downloads the streamed file, JavaScript on or off.

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
            <h3>{t(lang, "reg.export.credit")}</h3>
            <p class="export-links">
                <a class="button" id="export-ndjson" rel="external" download href="/api/v1/export/credit?format=ndjson">{t(lang, "reg.export.ndjson")}</a>" "
                <a class="button" id="export-csv" rel="external" download href="/api/v1/export/credit?format=csv">{t(lang, "reg.export.csv")}</a>
            </p>
            <CaseExportForm id="export-cases" action="/api/v1/regulator/export/cases" title="reg.export.cases" reveal=true/>
            <CaseExportForm id="export-complaints" action="/api/v1/regulator/export/complaints" title="reg.export.complaints" reveal=false/>
        </div>
    }
}

/// A GET form to one export: format, filing dates, the cursor, and (cases
/// only) the reason for an unmasked export.
#[component]
fn CaseExportForm(
    id: &'static str,
    action: &'static str,
    title: &'static str,
    reveal: bool,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <form method="get" action=action class="form export-form" id=id>
            <fieldset>
                <legend>{t(lang, title)}</legend>
                <label>{t(lang, "reg.export.format")}
                    <select name="format">
                        <option value="csv">"CSV"</option>
                        <option value="ndjson">"NDJSON"</option>
                    </select>
                </label>
                <label>{t(lang, "dash.from")}<input type="date" name="from"/></label>
                <label>{t(lang, "dash.to")}<input type="date" name="to"/></label>
                <label>{t(lang, "reg.export.after")}<input type="number" name="after" min="0" inputmode="numeric"/></label>
                {reveal.then(|| view! {
                    <p class="hint">{t(lang, "reg.export.masking")}</p>
                    <label>{t(lang, "reg.export.reveal")}<input type="text" name="reveal_reason" minlength="5" maxlength="200"/></label>
                })}
                <button type="submit">{t(lang, "reg.export.download")}</button>
            </fieldset>
        </form>
    }
}
