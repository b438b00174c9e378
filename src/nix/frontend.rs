use crate::app::Loaded;
use std::path::Path;
pub fn load(path: &Path) -> Result<Loaded, String> {
    Err(format!("{}: static frontend pending", path.display()))
}
