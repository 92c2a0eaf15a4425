//! argon2 hashing off the async threads (it takes tens of milliseconds on purpose).

use domain::AppError;

pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || password_auth::generate_hash(password))
        .await
        .map_err(|_| AppError::Internal)
}

/// Verifies; with no stored hash it still spends the time of one verification,
/// so the response time does not tell whether an account exists.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    tokio::task::spawn_blocking(move || {
        let found = stored.is_some();
        let hash = stored.unwrap_or_else(|| {
            DUMMY
                .get_or_init(|| password_auth::generate_hash("not a password"))
                .clone()
        });
        password_auth::verify_password(password, &hash).is_ok() && found
    })
    .await
    .unwrap_or(false)
}
