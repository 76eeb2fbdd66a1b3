//! The exact policies, each O(1) per request over arrays indexed by key:
//! FIFO and LRU keep one list of the cached keys, newest first; LFU keeps
//! one such list per hit count (Shah, Mitra and Matani, "An O(1) algorithm
//! for implementing the LFU cache eviction scheme", 2010), so the victim is
//! the least recently used key of the smallest count.

/// No key: the end of a list.
const NIL: u32 = u32::MAX;

/// A list's first (most recent) and last key.
#[derive(Clone, Copy, Debug)]
struct Ends {
    head: u32,
    tail: u32,
}

impl Ends {
    const EMPTY: Ends = Ends { head: NIL, tail: NIL };
}

/// Doubly linked lists threaded through arrays indexed by key; a key is in
/// at most one list at a time.
#[derive(Clone, Debug)]
struct Links {
    prev: Vec<u32>,
    next: Vec<u32>,
}

impl Links {
    fn new(keys: usize) -> Links {
        Links { prev: vec![NIL; keys], next: vec![NIL; keys] }
    }

    fn push_front(&mut self, list: &mut Ends, k: u32) {
        self.prev[k as usize] = NIL;
        self.next[k as usize] = list.head;
        match list.head {
            NIL => list.tail = k,
            h => self.prev[h as usize] = k,
        }
        list.head = k;
    }

    fn unlink(&mut self, list: &mut Ends, k: u32) {
        let (p, n) = (self.prev[k as usize], self.next[k as usize]);
        match p {
            NIL => list.head = n,
            p => self.next[p as usize] = n,
        }
        match n {
            NIL => list.tail = p,
            n => self.prev[n as usize] = p,
        }
    }
}

/// Which exact policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    Fifo,
    Lru,
    Lfu,
}

/// A cache of at most `capacity` keys from `0..keys` under an exact policy.
#[derive(Clone, Debug)]
pub struct Exact {
    order: Order,
    capacity: usize,
    len: usize,
    links: Links,
    /// Each key's hit count plus one while cached (its list under LFU); 0 when not cached.
    count: Vec<u32>,
    /// The list of each count (LFU), or the one list in `lists[1]`.
    lists: Vec<Ends>,
    /// The smallest count any cached key has (LFU).
    min_count: usize,
}

impl Exact {
    pub fn new(order: Order, capacity: usize, keys: usize) -> Exact {
        Exact {
            order,
            capacity: capacity.max(1),
            len: 0,
            links: Links::new(keys),
            count: vec![0; keys],
            lists: vec![Ends::EMPTY; 2],
            min_count: 1,
        }
    }

    /// Whether `key` is cached.
    pub fn contains(&self, key: u32) -> bool {
        self.count[key as usize] != 0
    }

    /// Takes `key` out of the cache (a delete, an expiry, a lost node);
    /// whether it was cached.
    pub fn remove(&mut self, key: u32) -> bool {
        let c = self.count[key as usize] as usize;
        if c == 0 {
            return false;
        }
        let list = if self.order == Order::Lfu { c } else { 1 };
        self.links.unlink(&mut self.lists[list], key);
        self.count[key as usize] = 0;
        // LFU's smallest count may now name an empty list; it is read only
        // to evict, which needs a full cache, so a key comes in first and
        // resets it to 1.
        self.len -= 1;
        true
    }

    /// The key FIFO or LRU would evict next (`None` when empty).
    pub fn oldest(&self) -> Option<u32> {
        Some(self.lists[1].tail).filter(|&k| k != NIL && self.order != Order::Lfu)
    }

    /// How many keys are cached.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no key is cached.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// A request for `key`: whether it hit, and the key evicted to make
    /// room on a miss (the victim goes before the new key comes in).
    pub fn access(&mut self, key: u32) -> (bool, Option<u32>) {
        let c = self.count[key as usize] as usize;
        if c != 0 {
            match self.order {
                Order::Fifo => {}
                Order::Lru => {
                    self.links.unlink(&mut self.lists[1], key);
                    self.links.push_front(&mut self.lists[1], key);
                }
                Order::Lfu => {
                    self.links.unlink(&mut self.lists[c], key);
                    if self.lists[c].head == NIL && self.min_count == c {
                        self.min_count = c + 1;
                    }
                    if self.lists.len() == c + 1 {
                        self.lists.push(Ends::EMPTY);
                    }
                    self.links.push_front(&mut self.lists[c + 1], key);
                    self.count[key as usize] = c as u32 + 1;
                }
            }
            return (true, None);
        }
        let mut evicted = None;
        if self.len == self.capacity {
            let from = if self.order == Order::Lfu { self.min_count } else { 1 };
            let victim = self.lists[from].tail;
            self.links.unlink(&mut self.lists[from], victim);
            self.count[victim as usize] = 0;
            self.len -= 1;
            evicted = Some(victim);
        }
        self.links.push_front(&mut self.lists[1], key);
        self.count[key as usize] = 1;
        self.min_count = 1;
        self.len += 1;
        (false, evicted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn faults(order: Order, frames: usize, refs: &[u32]) -> usize {
        let mut c = Exact::new(order, frames, 8);
        refs.iter().filter(|&&k| !c.access(k).0).count()
    }

    /// Belady, Nelson and Shedler (1969): on 1 2 3 4 1 2 5 1 2 3 4 5, FIFO
    /// faults 9 times with 3 frames and 10 with 4 (Belady's anomaly); LRU,
    /// a stack algorithm, 10 and 8.
    #[test]
    fn beladys_anomaly() {
        let refs = [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5];
        assert_eq!((faults(Order::Fifo, 3, &refs), faults(Order::Fifo, 4, &refs)), (9, 10));
        assert_eq!((faults(Order::Lru, 3, &refs), faults(Order::Lru, 4, &refs)), (10, 8));
    }

    #[test]
    fn lfu_evicts_the_least_used_and_then_the_least_recent() {
        let mut c = Exact::new(Order::Lfu, 3, 8);
        for k in [1, 1, 1, 2, 2, 3] {
            c.access(k);
        }
        // 3 was asked for once: it goes for 4.
        assert_eq!(c.access(4), (false, Some(3)));
        // 4, new, has the fewest: it goes for 5.
        assert_eq!(c.access(5), (false, Some(4)));
        // 5's second request ties it with 2 at two: 2 is the less recent.
        assert_eq!(c.access(5), (true, None));
        assert_eq!(c.access(6), (false, Some(2)));
        assert!(c.contains(1) && c.contains(5) && c.contains(6) && !c.contains(2));
    }

    #[test]
    fn a_removed_key_frees_its_place() {
        for order in [Order::Fifo, Order::Lru, Order::Lfu] {
            let mut c = Exact::new(order, 2, 8);
            c.access(1);
            c.access(1);
            c.access(2);
            assert!(c.remove(1) && !c.remove(1) && !c.contains(1));
            assert_eq!(c.len(), 1);
            // Room for 3 without evicting 2; then 4 evicts 2, the older (and, under LFU, tied at one).
            assert_eq!(c.access(3), (false, None), "{order:?}");
            assert_eq!(c.access(4), (false, Some(2)), "{order:?}");
            assert!(c.remove(3) && c.remove(4) && c.is_empty());
            assert_eq!(c.access(5), (false, None));
        }
        // LFU: with the only key of count one gone, the next eviction takes
        // the least recent of the smallest count left.
        let mut c = Exact::new(Order::Lfu, 3, 8);
        for k in [1, 1, 2, 2, 2, 3] {
            c.access(k);
        }
        c.remove(3);
        c.access(6);
        c.access(6);
        // 1 and 6 both at two, 2 at three: 1 is the less recent.
        assert_eq!(c.access(7), (false, Some(1)));
        assert_eq!(c.access(5), (false, Some(7)));
    }
}
