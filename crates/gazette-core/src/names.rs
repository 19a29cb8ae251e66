//! Editors managing the names stories are filed under: a contributor's
//! name and biography, a source's name and site, a section's name and its
//! parent. Addresses never change, so no link breaks.

use gazette_domain::{
    Contributor, ContributorId, Role, Section, SectionId, Slug, Source, SourceId, User,
};
use gazette_store::{Change, StoreError};

use crate::accounts::{Permission, can};

#[derive(Debug, thiserror::Error)]
pub enum NameError {
    #[error("{field}: {message}")]
    Field {
        field: &'static str,
        message: &'static str,
    },
    #[error("your role ({0}) may not manage sections, contributors and sources; an editor does")]
    NotAllowed(Role),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn field(field: &'static str, message: &'static str) -> NameError {
    NameError::Field { field, message }
}

/// A display name: a letter or digit in it, at most 120 characters.
fn name(text: &str) -> Result<&str, NameError> {
    let text = text.trim();
    if text.is_empty() || Slug::from_text(text).is_err() {
        return Err(field("name", "a name needs a letter or digit"));
    }
    if text.chars().count() > 120 {
        return Err(field("name", "a name of at most 120 characters"));
    }
    Ok(text)
}

impl crate::Core {
    fn may_manage(&self, by: &User) -> Result<(), NameError> {
        if can(by.role, Permission::ManageNewsroom) {
            Ok(())
        } else {
            Err(NameError::NotAllowed(by.role))
        }
    }

    /// Renames a contributor and sets their biography (plain text).
    pub async fn edit_contributor(
        &self,
        by: &User,
        id: ContributorId,
        new_name: &str,
        bio: &str,
    ) -> Result<Contributor, NameError> {
        self.may_manage(by)?;
        let new_name = name(new_name)?;
        let bio = bio.trim();
        if bio.chars().count() > 2000 {
            return Err(field("bio", "a biography of at most 2,000 characters"));
        }
        let c = self
            .store
            .update_contributor(id, new_name, Some(bio).filter(|b| !b.is_empty()))
            .await?;
        self.audit(
            Some(by),
            "contributor.edit",
            &format!("contributor {}", c.slug),
            new_name,
        )
        .await;
        self.apply_change(Change::Everything).await;
        Ok(c)
    }

    /// Renames a source and sets its site (`http(s)://…`, or none).
    pub async fn edit_source(
        &self,
        by: &User,
        id: SourceId,
        new_name: &str,
        url: &str,
    ) -> Result<Source, NameError> {
        self.may_manage(by)?;
        let new_name = name(new_name)?;
        let url = url.trim();
        if !url.is_empty() && !gazette_domain::is_web_address(url, 300) {
            return Err(field(
                "url",
                "the source's site as a full address, e.g. https://www.azatutyun.am",
            ));
        }
        let s = self
            .store
            .update_source(id, new_name, Some(url).filter(|u| !u.is_empty()))
            .await?;
        self.audit(
            Some(by),
            "source.edit",
            &format!("source {}", s.slug),
            new_name,
        )
        .await;
        self.apply_change(Change::Everything).await;
        Ok(s)
    }

    /// Renames a section and puts it under `parent` (or at the top), never
    /// under itself or one of its own sub-sections.
    pub async fn edit_section(
        &self,
        by: &User,
        id: SectionId,
        new_name: &str,
        parent: Option<SectionId>,
    ) -> Result<Section, NameError> {
        self.may_manage(by)?;
        let new_name = name(new_name)?;
        let all = self.store.sections().await?;
        if !all.iter().any(|s| s.id == id) {
            return Err(StoreError::NotFound.into());
        }
        // Walk up from the new parent: meeting the section itself would
        // make a loop.
        let mut up = parent;
        let mut steps = 0;
        while let Some(p) = up {
            if p == id {
                return Err(field(
                    "parent",
                    "a section cannot be put under itself or one of its sub-sections",
                ));
            }
            up = all
                .iter()
                .find(|s| s.id == p)
                .ok_or(field("parent", "there is no such section"))?
                .parent;
            steps += 1;
            if steps > 64 {
                break;
            }
        }
        let s = self.store.update_section(id, new_name, parent).await?;
        self.audit(
            Some(by),
            "section.edit",
            &format!("section {}", s.slug),
            new_name,
        )
        .await;
        self.apply_change(Change::Everything).await;
        Ok(s)
    }
}
