//! `wasi:keyvalue@0.2.0-draft2`'s store and atomics, for a component's
//! instance: it opens the stores its component lists, each a [`Store`],
//! whatever its backend.

use super::{Store, Stores};
use std::sync::Arc;
use wasmtime::component::{HasData, Resource, ResourceTable, ResourceType};

wasmtime::component::bindgen!({
    path: "../rate-limiter/wit/keyvalue.wit",
    world: "counter",
    imports: { default: async | trappable },
    with: {
        "wasi:keyvalue/store.bucket": Bucket,
        "wasi:keyvalue/atomics.cas": Cas,
    },
});

use wasi::keyvalue::{atomics, store};

/// What one instance may open: the stores its component lists.
#[derive(Clone)]
pub struct KeyValueCtx {
    pub stores: Arc<Stores>,
    pub allowed: Arc<[String]>,
}

/// An open store.
pub struct Bucket(Arc<dyn Store>);

/// Compare-and-swap, which this host refuses.
pub struct Cas;

/// The interfaces' view of an instance: what it may open, and its resources.
pub struct KeyValueView<'a> {
    pub ctx: &'a KeyValueCtx,
    pub table: &'a mut ResourceTable,
}

/// Marks [`KeyValueView`] as what the bindings' host functions work on.
pub struct HasKeyValue;

impl HasData for HasKeyValue {
    type Data<'a> = KeyValueView<'a>;
}

/// Adds `wasi:keyvalue` to `linker`, each instance's view given by `view`.
pub fn add_to_linker<T: Send + 'static>(
    linker: &mut wasmtime::component::Linker<T>,
    view: fn(&mut T) -> KeyValueView<'_>,
) -> anyhow::Result<()> {
    store::add_to_linker::<T, HasKeyValue>(linker, view)?;
    atomics::add_to_linker::<T, HasKeyValue>(linker, view)?;
    Ok(())
}

/// The resource type that an interface of `wasi:keyvalue` this host
/// stubs (`batch`, `watch`) shares with one it implements: `bucket` is one
/// type in all of them, so a stub must name the implemented one.
pub fn shared_resource(interface: &str, name: &str) -> Option<ResourceType> {
    match (interface.starts_with("wasi:keyvalue/"), name) {
        (true, "bucket") => Some(ResourceType::host::<Bucket>()),
        (true, "cas") => Some(ResourceType::host::<Cas>()),
        _ => None,
    }
}

type Outcome<T, E = store::Error> = wasmtime::Result<Result<T, E>>;

fn other(error: impl std::fmt::Display) -> store::Error {
    store::Error::Other(error.to_string())
}

/// A store's answer as the interface gives it: any failure is `other`.
fn answer<T>(result: anyhow::Result<T>) -> Outcome<T> {
    Ok(result.map_err(other))
}

impl KeyValueView<'_> {
    fn store(&self, bucket: &Resource<Bucket>) -> wasmtime::Result<Arc<dyn Store>> {
        Ok(self.table.get(bucket)?.0.clone())
    }
}

impl store::Host for KeyValueView<'_> {
    async fn open(&mut self, label: String) -> Outcome<Resource<Bucket>> {
        if !self.ctx.allowed.contains(&label) {
            return Ok(Err(store::Error::AccessDenied));
        }
        let Some(store) = self.ctx.stores.get(&label) else {
            return Ok(Err(store::Error::NoSuchStore));
        };
        if let Err(error) = store.open().await {
            return Ok(Err(other(error)));
        }
        Ok(Ok(self.table.push(Bucket(store.clone()))?))
    }
}

impl store::HostBucket for KeyValueView<'_> {
    async fn get(&mut self, bucket: Resource<Bucket>, key: String) -> Outcome<Option<Vec<u8>>> {
        answer(self.store(&bucket)?.get(key).await)
    }

    async fn set(&mut self, bucket: Resource<Bucket>, key: String, value: Vec<u8>) -> Outcome<()> {
        answer(self.store(&bucket)?.set(key, value).await)
    }

    async fn delete(&mut self, bucket: Resource<Bucket>, key: String) -> Outcome<()> {
        answer(self.store(&bucket)?.delete(key).await)
    }

    async fn exists(&mut self, bucket: Resource<Bucket>, key: String) -> Outcome<bool> {
        answer(self.store(&bucket)?.exists(key).await)
    }

    async fn list_keys(
        &mut self,
        bucket: Resource<Bucket>,
        _cursor: Option<String>,
    ) -> Outcome<store::KeyResponse> {
        let keys = self.store(&bucket)?.get_keys().await;
        answer(keys.map(|keys| store::KeyResponse { keys, cursor: None }))
    }

    async fn drop(&mut self, bucket: Resource<Bucket>) -> wasmtime::Result<()> {
        self.table.delete(bucket)?;
        Ok(())
    }
}

/// What a compare-and-swap is answered.
const NO_CAS: &str = "compare-and-swap is not implemented by this host (Spin implements it)";

impl atomics::Host for KeyValueView<'_> {
    async fn increment(
        &mut self,
        bucket: Resource<Bucket>,
        key: String,
        delta: i64,
    ) -> Outcome<i64> {
        answer(self.store(&bucket)?.increment(key, delta).await)
    }

    async fn swap(
        &mut self,
        cas: Resource<Cas>,
        _value: Vec<u8>,
    ) -> Outcome<(), atomics::CasError> {
        self.table.delete(cas)?;
        Ok(Err(atomics::CasError::StoreError(other(NO_CAS))))
    }
}

impl atomics::HostCas for KeyValueView<'_> {
    async fn new(&mut self, _bucket: Resource<Bucket>, _key: String) -> Outcome<Resource<Cas>> {
        Ok(Err(other(NO_CAS)))
    }

    async fn current(&mut self, _cas: Resource<Cas>) -> Outcome<Option<Vec<u8>>> {
        Ok(Err(other(NO_CAS)))
    }

    async fn drop(&mut self, cas: Resource<Cas>) -> wasmtime::Result<()> {
        self.table.delete(cas)?;
        Ok(())
    }
}
