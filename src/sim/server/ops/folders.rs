//! `GetFolder`, `FindFolder` and `CreateFolder`.
//!
//! Folders carry the usual properties (id and change key, parent, class, display name, total and
//! child counts, effective rights, the well-known name). `FindFolder` restrictions may test
//! `folder:DisplayName`, `folder:FolderClass`, `folder:TotalCount`, `folder:ChildFolderCount` and
//! extended properties; other paths are answered with `ErrorUnsupportedPathForQuery`.

use serde_json::Value;

use crate::ews::{
    CreateFolder, CreateFolderResponse, EffectiveRights, ExtendedValue, FindFolder, FindFolderContent,
    FindFolderResponse, FindFolderRoot, FindPaging, Folder, FolderInfo, FolderQueryTraversal, FolderShape, FolderView,
    GetFolder, GetFolderResponse, IndexBasePoint, IndexedPageView, PropertyPath, ResponseCode, Restriction,
    SearchExpression,
};
use crate::sim::find::{evaluate, window};
use crate::sim::update::extended_identity;

use super::shape::shape_folder;
use super::{OpContext, SimOperation, error_with, message};

/// The folder paths a `FindFolder` restriction may use.
const FOLDER_PATHS: &[&str] =
    &["folder:DisplayName", "folder:FolderClass", "folder:TotalCount", "folder:ChildFolderCount"];

/// The rights the mailbox owner (or an impersonating account) has on a folder.
fn owner_rights() -> EffectiveRights {
    EffectiveRights {
        create_associated: true,
        create_contents: true,
        create_hierarchy: true,
        delete: true,
        modify: true,
        read: true,
        view_private_items: Some(true),
    }
}

/// A stored folder as an answer shows it.
fn answered(mut folder: Folder, shape: &FolderShape) -> Folder {
    folder.base_mut().effective_rights = Some(owner_rights());
    shape_folder(&folder, shape)
}

fn folder_values(folder: &Folder, path: &PropertyPath) -> Vec<Value> {
    let b = folder.base();
    match path {
        PropertyPath::Field(f) => match f.as_str() {
            "folder:DisplayName" => b.display_name.clone().map(Value::String).into_iter().collect(),
            "folder:FolderClass" => b.folder_class.clone().map(Value::String).into_iter().collect(),
            "folder:TotalCount" => b.total_count.map(Value::from).into_iter().collect(),
            "folder:ChildFolderCount" => b.child_folder_count.map(Value::from).into_iter().collect(),
            _ => Vec::new(),
        },
        PropertyPath::Extended(field) => {
            let wanted = extended_identity(field);
            match b.extended_properties.iter().find(|p| extended_identity(&p.field) == wanted).map(|p| &p.value) {
                Some(ExtendedValue::Single(v)) => vec![Value::String(v.clone())],
                Some(ExtendedValue::Multi(vs)) => vs.iter().cloned().map(Value::String).collect(),
                None => Vec::new(),
            }
        }
        PropertyPath::Indexed { .. } => Vec::new(),
    }
}

/// The first path of `e` the simulator cannot test on folders.
fn unsupported_path(e: &SearchExpression) -> Option<&PropertyPath> {
    let ok = |p: &PropertyPath| match p {
        PropertyPath::Field(f) => FOLDER_PATHS.contains(&f.as_str()),
        PropertyPath::Extended(_) => true,
        PropertyPath::Indexed { .. } => false,
    };
    match e {
        SearchExpression::Compare { path, value, .. } => {
            if !ok(path) {
                return Some(path);
            }
            match value {
                crate::ews::FieldUriOrConstant::Path(p) if !ok(p) => Some(p),
                _ => None,
            }
        }
        SearchExpression::Exists(path)
        | SearchExpression::Excludes { path, .. }
        | SearchExpression::Contains { path, .. } => (!ok(path)).then_some(path),
        SearchExpression::Not(inner) => unsupported_path(inner),
        SearchExpression::And(all) | SearchExpression::Or(all) => all.iter().find_map(unsupported_path),
    }
}

fn matches(restriction: Option<&Restriction>, folder: &Folder) -> bool {
    restriction.is_none_or(|r| evaluate(&r.expression, &|p| folder_values(folder, p)))
}

impl SimOperation for GetFolder {
    fn execute(&self, cx: &mut OpContext<'_>) -> GetFolderResponse {
        let messages = self
            .folder_ids
            .iter()
            .map(|id| {
                message(
                    cx.mailbox()
                        .and_then(|m| m.folder(id))
                        .map(|f| FolderInfo { folders: Some(vec![answered(f, &self.folder_shape)]) }),
                )
            })
            .collect();
        GetFolderResponse { messages }
    }
}

impl SimOperation for FindFolder {
    fn execute(&self, cx: &mut OpContext<'_>) -> FindFolderResponse {
        let view = match self.view {
            Some(FolderView::IndexedPage(v)) => Some(v),
            Some(FolderView::FractionalPage(_)) => None,
            None => {
                Some(IndexedPageView { max_entries_returned: None, offset: 0, base_point: IndexBasePoint::Beginning })
            }
        };
        let bad_path = self.restriction.as_ref().and_then(|r| unsupported_path(&r.expression));
        let messages = self
            .parent_folder_ids
            .iter()
            .map(|parent| {
                let Some(view) = view else {
                    return error_with(
                        ResponseCode::ErrorInvalidRequest,
                        "The simulator supports only IndexedPageFolderView in FindFolder.",
                    );
                };
                if self.traversal == FolderQueryTraversal::SoftDeleted {
                    return error_with(
                        ResponseCode::ErrorInvalidRequest,
                        "The simulator does not keep soft-deleted folders (SoftDeleted traversal).",
                    );
                }
                if let Some(p) = bad_path {
                    return error_with(
                        ResponseCode::ErrorUnsupportedPathForQuery,
                        format!("The property {p:?} cannot be used in a FindFolder restriction of the simulator."),
                    );
                }
                let deep = self.traversal == FolderQueryTraversal::Deep;
                message(cx.mailbox().and_then(|m| m.child_folders(parent, deep)).and_then(|all| {
                    let found: Vec<Folder> =
                        all.into_iter().filter(|f| matches(self.restriction.as_ref(), f)).collect();
                    let (range, includes_last) = window(&view, found.len())?;
                    let next = range.end;
                    let total = found.len();
                    let page = found[range].iter().map(|f| answered(f.clone(), &self.folder_shape)).collect();
                    Ok(FindFolderContent {
                        root_folder: Some(FindFolderRoot {
                            paging: FindPaging {
                                indexed_paging_offset: Some(i32::try_from(next).unwrap_or(i32::MAX)),
                                includes_last_item_in_range: Some(includes_last),
                                total_items_in_view: Some(i32::try_from(total).unwrap_or(i32::MAX)),
                                ..FindPaging::default()
                            },
                            folders: Some(page),
                        }),
                    })
                }))
            })
            .collect();
        FindFolderResponse { messages }
    }
}

impl SimOperation for CreateFolder {
    fn execute(&self, cx: &mut OpContext<'_>) -> CreateFolderResponse {
        let id_only = FolderShape::new(crate::ews::BaseShape::IdOnly);
        let messages = self
            .folders
            .iter()
            .map(|f| {
                message(
                    cx.mailbox_mut()
                        .and_then(|m| m.create_folder(&self.parent_folder_id, f))
                        .map(|made| FolderInfo { folders: Some(vec![shape_folder(&made, &id_only)]) }),
                )
            })
            .collect();
        CreateFolderResponse { messages }
    }
}
